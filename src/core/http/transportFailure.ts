// Sorts what can go wrong below HTTP (timeouts, resets, refused connections, untrusted certificates, unknown
// hosts, cancellation) into kinds the retry and breaker logic act on, and turns the last one into a typed error.
import { CancelledError, ExternalServiceError, LifeCockpitError, TransientError } from '../errors';

export type FailureKind = 'timeout' | 'connection' | 'refused' | 'tls' | 'dns' | 'cancelled' | 'other';

export interface AttemptFailure {
  kind: FailureKind;
  /** The low-level code (ECONNRESET, UND_ERR_SOCKET, SELF_SIGNED_CERT_IN_CHAIN…) for the log. */
  code: string | undefined;
  cause: unknown;
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ERR_TLS|ERR_SSL/;

/** Cancellation and our own timeout both surface from undici as an abort; which signal fired tells them apart. */
export function classifyFailure(error: unknown, cancelled: boolean, timedOut: boolean): AttemptFailure {
  const code = lowLevelCode(error);
  if (cancelled) return { kind: 'cancelled', code, cause: error };
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) return { kind: 'timeout', code, cause: error };
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, cause: error };
  if (code === 'ENOTFOUND') return { kind: 'dns', code, cause: error };
  if (code !== undefined && CONNECTION_CODES.has(code)) return { kind: 'connection', code, cause: error };
  if (code !== undefined && TLS_CODE.test(code)) return { kind: 'tls', code, cause: error };
  return { kind: 'other', code, cause: error };
}

/** Undici wraps socket errors: the telling code may sit on the error or on its cause. */
function lowLevelCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') return code;
    current = current.cause;
  }
  return undefined;
}

/** Failures that say the service may be down or overloaded: they count against the breaker and may be retried. */
export function isTransientFailure(kind: FailureKind): boolean {
  return kind === 'timeout' || kind === 'connection' || kind === 'refused';
}

/** Failures that happen before a byte of the request left: resending cannot apply it twice, whatever the method. */
export function happenedBeforeSending(failure: AttemptFailure): boolean {
  return failure.kind === 'refused' || failure.code === 'UND_ERR_CONNECT_TIMEOUT';
}

export interface FailureContext {
  serviceName: string;
  origin: string;
  attempts: number;
  timeoutMs: number;
  detail: Record<string, unknown>;
}

export function failureToError(failure: AttemptFailure, context: FailureContext): LifeCockpitError {
  const { serviceName, origin, attempts } = context;
  const tries = attempts > 1 ? ` (tried ${attempts} times)` : '';
  const options = (code: string): { code: string; detail: Record<string, unknown>; cause: unknown } => ({
    code,
    detail: { ...context.detail, attempts, lowLevelCode: failure.code },
    cause: failure.cause,
  });
  switch (failure.kind) {
    case 'cancelled':
      return new CancelledError();
    case 'timeout':
      return new TransientError(
        `${serviceName} did not answer within ${formatSeconds(context.timeoutMs)}${tries}.`,
        options('http.timeout'),
      );
    case 'connection':
      return new TransientError(
        `The connection to ${serviceName} broke (${failure.code ?? 'reset'})${tries}.`,
        options('http.connectionFailed'),
      );
    case 'refused':
      return new TransientError(
        `${serviceName} at ${origin} refused the connection${tries}; is it running?`,
        options('http.connectionRefused'),
      );
    case 'tls':
      return new ExternalServiceError(
        `The certificate of ${origin} is not trusted (${failure.code ?? 'TLS failure'}). For the sandbox, trust its caFile.`,
        { ...options('http.tlsUntrusted'), retriable: false },
      );
    case 'dns':
      return new ExternalServiceError(`The host of ${origin} was not found; check the ${serviceName} URL.`, {
        ...options('http.hostNotFound'),
        retriable: false,
      });
    case 'other': {
      const message = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
      return new ExternalServiceError(`The request to ${serviceName} failed: ${message}`, options('http.failed'));
    }
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
