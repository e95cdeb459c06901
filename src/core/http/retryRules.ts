// When a failed attempt may be sent again and how long to wait first: the statuses worth retrying,
// which requests are safe to repeat, Retry-After in all the forms the services send, and full-jitter backoff.
import type { HttpRequest, RetryPolicy, ServiceKey } from './types';

/** Throttled (429) or a gateway/service hiccup (502, 503, 504): the same request may well succeed later. */
const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Methods that RFC 9110 defines as idempotent: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isRetriableStatus(status: number): boolean {
  return RETRIABLE_STATUSES.has(status);
}

/**
 * Safe to send again: an idempotent method, or a request the caller marked, or one that carries its own guard
 * against a double effect: Stripe's `Idempotency-Key` (replayed, not re-run) or an `If-Match` ETag (a second
 * write meets 412). `idempotent: false` overrides all of these.
 */
export function isIdempotentRequest(
  request: Pick<HttpRequest, 'method' | 'idempotent'>,
  lowerCaseHeaders: Record<string, string> = {},
): boolean {
  if (request.idempotent !== undefined) return request.idempotent;
  if (IDEMPOTENT_METHODS.has(request.method)) return true;
  return lowerCaseHeaders['idempotency-key'] !== undefined || lowerCaseHeaders['if-match'] !== undefined;
}

/**
 * An answer that says the request was refused before it ran, so sending it again cannot apply it twice,
 * whatever its method: a 429 from any service (throttling happens at the door: Graph throttling.md, Dataverse
 * api-limits.md), and Dataverse's 503 (service protection and a busy environment answer before processing).
 */
export function answerMeansNotProcessed(service: ServiceKey, status: number): boolean {
  if (status === 429) return true;
  return status === 503 && service === 'dataverse';
}

/**
 * Whether a retriable status may be retried for this request: it is safe to repeat, or it was not processed.
 * A request marked `idempotent: false` is never sent twice.
 */
export function mayRetryStatus(
  request: Pick<HttpRequest, 'method' | 'idempotent' | 'service'>,
  status: number,
  lowerCaseHeaders: Record<string, string> = {},
): boolean {
  if (!isRetriableStatus(status) || request.idempotent === false) return false;
  return isIdempotentRequest(request, lowerCaseHeaders) || answerMeansNotProcessed(request.service, status);
}

/**
 * Retry-After as milliseconds from `now`, or undefined when absent or unreadable. Accepts delay-seconds,
 * fractional seconds (Graph sends "2.128", and 0.249 inside $batch) and an HTTP-date.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Full jitter (a random wait up to the exponential ceiling) spreads retries so clients do not stampede together. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

export type RetryVerdict = { retry: true; delayMs: number } | { retry: false; reason: string };

export interface RetryQuestion {
  /** Attempts made so far, the failed one included. */
  attempts: number;
  policy: RetryPolicy;
  /** Milliseconds since the call began. */
  elapsedMs: number;
  /** What the server asked for, when it did. */
  retryAfterMs: number | undefined;
  random: () => number;
}

/**
 * Whether to try again and after how long. A Retry-After longer than maxDelayMs or than the time left is not
 * shortened: sending early would only be throttled again, so the caller gets the response (and its Retry-After).
 */
export function decideRetry(question: RetryQuestion): RetryVerdict {
  const { attempts, policy, elapsedMs, retryAfterMs } = question;
  if (attempts >= policy.maxAttempts) return { retry: false, reason: 'attempts exhausted' };
  const delayMs = retryAfterMs ?? backoffDelay(attempts, policy, question.random);
  if (delayMs > policy.maxDelayMs) return { retry: false, reason: 'Retry-After beyond maxDelayMs' };
  if (elapsedMs + delayMs > policy.maxTotalMs) return { retry: false, reason: 'total time bound reached' };
  return { retry: true, delayMs };
}
