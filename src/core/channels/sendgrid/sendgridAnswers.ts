// What SendGrid's answer to POST /v3/mail/send means for the reminder. 202 (empty body, X-Message-Id): queued.
// 429 (errors[] "too many requests", X-RateLimit-Reset in epoch seconds, no Retry-After): refused at the door,
// retriable after the reset. 401/403: the key is wrong or may not send mail: not retriable. 400/413 and other
// 4xx: the message itself was refused (errors[] name the field). 5xx: SendGrid may have queued it anyway, so
// it is uncertain, as is an answer lost after the request went out.
import type { Clock } from '../../clock';
import { AuthenticationError, ExternalServiceError, LifeCockpitError, TransientError } from '../../errors';
import { parseRetryAfter } from '../../http';
import { HandOverUncertainError } from '../types';

interface SendGridErrorBody {
  errors?: Array<{ message?: unknown; field?: unknown }>;
}

/** Failures of the HTTP layer that happen before a byte of the request leaves. */
const BEFORE_SENDING_CODES = new Set([
  'http.connectionRefused',
  'http.hostNotFound',
  'http.tlsUntrusted',
  'http.circuitOpen',
]);
const UNREACHABLE_LOW_LEVEL = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The layer threw (no answer): refused before sending, or lost after the request may have arrived. */
export function sendgridTransportFailure(error: unknown): LifeCockpitError {
  if (!(error instanceof LifeCockpitError)) {
    return new HandOverUncertainError('sendgrid', `the request failed without an answer: ${String(error)}`, {
      cause: error,
    });
  }
  if (error.errorClass === 'cancelled' || BEFORE_SENDING_CODES.has(error.code)) return error;
  const lowLevel = error.detail?.lowLevelCode;
  if (typeof lowLevel === 'string' && UNREACHABLE_LOW_LEVEL.has(lowLevel)) return error;
  return new HandOverUncertainError('sendgrid', `no answer came back after the request was sent: ${error.message}`, {
    cause: error,
    detail: { httpCode: error.code },
  });
}

export function sendgridAnswerError(
  status: number,
  headers: Record<string, string>,
  bodyText: string,
  clock: Clock,
): LifeCockpitError {
  const said = errorsText(bodyText);
  const detail = { status, ...(said ? { sendgridErrors: said } : {}) };
  if (status === 429) {
    const retryAfterMs = rateLimitWait(headers, clock);
    return new TransientError(
      `SendGrid is rate-limiting this key (429${said ? `: ${said}` : ''}); nothing was sent.${retryAfterMs === undefined ? '' : ` Try again in ${Math.ceil(retryAfterMs / 1000)} s.`}`,
      {
        code: 'channels.sendgridThrottled',
        detail: {
          ...detail,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          rateLimitLimit: headers['x-ratelimit-limit'],
          rateLimitRemaining: headers['x-ratelimit-remaining'],
        },
      },
    );
  }
  if (status === 401 || status === 403) {
    return new AuthenticationError(
      status === 401
        ? `SendGrid refused the API key (401${said ? `: ${said}` : ''}); nothing was sent. Set the key again (LC_SENDGRID_API_KEY).`
        : `SendGrid does not let this key send this mail (403${said ? `: ${said}` : ''}); nothing was sent. Give the key the Mail Send permission and verify the sender address in SendGrid.`,
      {
        code: status === 401 ? 'channels.sendgridUnauthorized' : 'channels.sendgridForbidden',
        retriable: false,
        detail,
      },
    );
  }
  if (status >= 500) {
    return new HandOverUncertainError('sendgrid', `SendGrid answered ${status} after receiving the message`, {
      detail,
    });
  }
  return new ExternalServiceError(
    `SendGrid refused the message (${status}${said ? `: ${said}` : ''}); nothing was sent.`,
    { code: 'channels.sendgridRejected', retriable: false, detail },
  );
}

/** X-RateLimit-Reset is a Unix time in seconds; a Retry-After, should one come, wins. */
function rateLimitWait(headers: Record<string, string>, clock: Clock): number | undefined {
  const retryAfter = parseRetryAfter(headers['retry-after'], clock.now());
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - clock.now());
}

function errorsText(bodyText: string): string {
  try {
    const body = JSON.parse(bodyText) as SendGridErrorBody;
    return (body.errors ?? [])
      .map((e) => [
        typeof e.field === 'string' ? e.field : undefined,
        typeof e.message === 'string' ? e.message : undefined,
      ])
      .map(([field, message]) => (field ? `${field}: ${message ?? ''}` : (message ?? '')))
      .filter((text) => text !== '')
      .slice(0, 5)
      .join('; ');
  } catch {
    return '';
  }
}
