// POST /v3/mail/send as SendGrid answers it: 202 with an empty body and X-Message-Id once the message is
// queued; 400 with errors[] ({field, message, help}) naming what is wrong with the body; 401 for a missing or
// unknown key; and, past the key's requests per refresh period, 429 with errors [{"message":"too many
// requests"}]. Every answer carries X-RateLimit-Limit, -Remaining and -Reset (Unix seconds) as SendGrid's v3
// API documents.
import type { SandboxRequest, SandboxResponse } from '../types';

export interface SendGridError {
  field: string | null;
  message: string;
  help: string | null;
}

/** What the sandbox keeps of an accepted message, for the inspector and tests. */
export interface AcceptedMail {
  messageId: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
  contentTypes: string[];
  text?: string;
  html?: string;
}

const RESERVED_HEADERS = new Set([
  'x-sg-id',
  'x-sg-eid',
  'received',
  'dkim-signature',
  'content-type',
  'content-transfer-encoding',
  'to',
  'from',
  'subject',
  'reply-to',
  'cc',
  'bcc',
]);
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

export function sendgridErrors(
  status: number,
  errors: SendGridError[],
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers, body: { errors } };
}

export function unauthorized(headers: Record<string, string>): SandboxResponse {
  return sendgridErrors(
    401,
    [{ field: null, message: 'The provided authorization grant is invalid, expired, or revoked', help: null }],
    headers,
  );
}

/** Checks the body as SendGrid does (the checks a reminder can meet); the message to keep, or the 400's errors. */
export function readMailSend(
  request: SandboxRequest,
): { ok: true; mail: Omit<AcceptedMail, 'messageId' | 'receivedAt'> } | { ok: false; errors: SendGridError[] } {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(request.body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return { ok: false, errors: [{ field: null, message: 'Bad Request', help: null }] };
  }
  const errors: SendGridError[] = [];
  const fail = (field: string, message: string, anchor: string): void => {
    errors.push({ field, message, help: `${HELP}#message.${anchor}` });
  };
  const personalizations = Array.isArray(body.personalizations) ? (body.personalizations as unknown[]) : [];
  if (personalizations.length === 0) {
    fail(
      'personalizations',
      'The personalizations field is required and must have at least one personalization.',
      'personalizations',
    );
  }
  const to: string[] = [];
  personalizations.forEach((p, i) => {
    const recipients = Array.isArray((p as { to?: unknown }).to) ? ((p as { to: unknown[] }).to as unknown[]) : [];
    if (recipients.length === 0) {
      fail(
        `personalizations.${i}.to`,
        'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        'personalizations.to',
      );
    }
    recipients.forEach((r, j) => {
      const email = (r as { email?: unknown }).email;
      if (typeof email !== 'string' || !EMAIL.test(email)) {
        fail(`personalizations.${i}.to.${j}.email`, 'Does not contain a valid address.', 'personalizations.to');
      } else to.push(email);
    });
  });
  const fromEmail = (body.from as { email?: unknown } | undefined)?.email;
  if (typeof fromEmail !== 'string' || !EMAIL.test(fromEmail)) {
    fail('from.email', 'The from email does not contain a valid address.', 'from');
  }
  const subject = body.subject;
  if (typeof subject !== 'string' || subject === '') {
    fail(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'subject',
    );
  }
  const content = Array.isArray(body.content) ? (body.content as Array<{ type?: unknown; value?: unknown }>) : [];
  if (content.length === 0) {
    fail(
      'content',
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      'content',
    );
  }
  const types = content.map((c) => (typeof c.type === 'string' ? c.type : ''));
  const plainAt = types.indexOf('text/plain');
  if (plainAt > 0) {
    fail(
      `content.${plainAt}.type`,
      'If present, text/plain must be first, followed by text/html, followed by any other content.',
      'content.type',
    );
  }
  const headers = stringRecord(body.headers);
  for (const name of Object.keys(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      fail('headers', `The '${name}' header is reserved and cannot be set.`, 'headers');
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const valueOf = (type: string): string | undefined => {
    const block = content.find((c) => c.type === type);
    return typeof block?.value === 'string' ? block.value : undefined;
  };
  return {
    ok: true,
    mail: {
      from: fromEmail as string,
      to,
      subject: subject as string,
      headers,
      customArgs: {
        ...stringRecord(body.custom_args),
        ...stringRecord((personalizations[0] as { custom_args?: unknown })?.custom_args),
      },
      contentTypes: types,
      ...(valueOf('text/plain') === undefined ? {} : { text: valueOf('text/plain') }),
      ...(valueOf('text/html') === undefined ? {} : { html: valueOf('text/html') }),
    },
  };
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
