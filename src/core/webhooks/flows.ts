// Trigger Flow: posts a session or a reminder as JSON to a Logic Apps / Power Automate / Functions HTTP
// trigger. The trigger URL carries its key (`sig=`, `code=`), so it is a secret: it is never logged in full
// (the HTTP layer blanks `sig`/`code`, our own lines name the host only), and a redirect is not followed,
// since following it would hand the key-bearing request to wherever the answer points.
import { AuthenticationError, ExternalServiceError, NotFoundError, TransientError, ValidationError } from '../errors';
import type { HttpClient } from '../http';
import type { Logger } from '../log';
import type { Reminder } from '../reminders';
import type { Session } from '../sessions';

export interface FlowTriggerOptions {
  signal?: AbortSignal;
  log?: Logger;
}

/** What a flow receives: which kind of record, its id, when it was sent, and the record itself. */
export interface FlowPayload {
  type: 'session' | 'reminder';
  id: string;
  sentAt: string;
  data: Session | Reminder;
}

export function flowPayload(subject: { session: Session } | { reminder: Reminder }, now: Date): FlowPayload {
  const sentAt = now.toISOString();
  return 'session' in subject
    ? { type: 'session', id: subject.session.id, sentAt, data: subject.session }
    : { type: 'reminder', id: subject.reminder.id, sentAt, data: subject.reminder };
}

/** The parts of a trigger URL that are its key, for a log hub to redact wherever they appear. */
export function flowUrlSecrets(url: string): string[] {
  const secrets = [url];
  try {
    for (const [name, value] of new URL(url).searchParams) {
      if (/^(sig|code|signature)$/i.test(name) && value !== '') secrets.push(value, encodeURIComponent(value));
    }
  } catch {
    // Not a URL: checkTriggerUrl refuses it; the whole text is still redacted.
  }
  return secrets;
}

function checkTriggerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('The flow trigger URL is not a URL. Copy the HTTP trigger URL from the flow again.', {
      code: 'flows.badUrl',
    });
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    // The key travels in the URL: in clear text anyone on the path would read it.
    throw new ValidationError('The flow trigger URL must be https (http only for a local test endpoint).', {
      code: 'flows.insecureUrl',
      detail: { host: parsed.host },
    });
  }
  return parsed;
}

export async function triggerFlow(
  http: HttpClient,
  url: string,
  payload: unknown,
  options: FlowTriggerOptions = {},
): Promise<{ status: number }> {
  const target = checkTriggerUrl(url);
  const host = target.host;
  const response = await http.request({
    service: 'flows',
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
    body: JSON.stringify(payload),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // Read and drop the body: a flow's answer may echo what it received.
  await response.bytes().catch(() => undefined);
  const { status } = response;
  if (status >= 200 && status < 300) {
    options.log?.info('flow triggered', { host, status });
    return { status };
  }
  options.log?.warn('flow trigger refused', { host, status });
  const detail = { host, status };
  if (status >= 300 && status < 400) {
    throw new ExternalServiceError(
      `The flow trigger at ${host} answered with a redirect (${status}); it is not followed, since the request carries the trigger's key. Copy the trigger URL from the flow again.`,
      { code: 'flows.redirect', detail },
    );
  }
  if (status === 401 || status === 403) {
    throw new AuthenticationError(
      `The flow trigger at ${host} refused the call (${status}): its key may have been regenerated. Copy the trigger URL from the flow again.`,
      { code: 'flows.unauthorized', detail },
    );
  }
  if (status === 404) {
    throw new NotFoundError(
      `The flow trigger at ${host} was not found (404): the flow may be off, deleted or saved with another trigger.`,
      { code: 'flows.notFound', detail },
    );
  }
  if (status === 429 || status >= 500) {
    throw new TransientError(`The flow trigger at ${host} is unavailable (${status}); try again later.`, {
      code: 'flows.unavailable',
      detail,
    });
  }
  throw new ValidationError(`The flow trigger at ${host} refused the payload (${status}).`, {
    code: 'flows.refused',
    detail,
  });
}
