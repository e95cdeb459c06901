// How long a throttled or unavailable service asked us to wait, read from the typed error it became: the
// Graph translation keeps the Retry-After header's value in `detail.retryAfter` (Entra's errors do the same),
// Dataverse's keeps it already parsed in `detail.retryAfterMs`, and a $batch item's answer can be carried the
// same way. The cause chain is followed, so an error that wraps the SDK's GraphError (whose `headers` still
// hold the answer's Retry-After) is read too.
import type { Clock } from '../../clock';
import { parseRetryAfter } from '../../http';

/** Causes followed before giving up: a chain is short, a cycle must not hang. */
const MAX_CAUSE_DEPTH = 5;

/** Milliseconds to wait from now, or undefined when the error carries no Retry-After. */
export function retryAfterMs(error: unknown, clock: Clock): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && isObject(current); depth++) {
    const found = retryAfterOf(current, clock.now());
    if (found !== undefined) return found;
    current = current.cause;
  }
  return undefined;
}

function retryAfterOf(error: Record<string, unknown>, now: number): number | undefined {
  const detail = isObject(error.detail) ? error.detail : {};
  return (
    milliseconds(detail.retryAfterMs) ??
    headerValue(detail.retryAfter, now) ??
    fromHeaders(detail.headers, now) ??
    milliseconds(error.retryAfterMs) ??
    fromHeaders(error.headers, now)
  );
}

function milliseconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A Retry-After value as sent: delay-seconds (Graph's may be fractional) or an HTTP-date. */
function headerValue(value: unknown, now: number): number | undefined {
  if (typeof value === 'number') return milliseconds(value * 1000);
  return typeof value === 'string' ? parseRetryAfter(value, now) : undefined;
}

/** A fetch `Headers` (the SDK's GraphError) or a plain record, with any casing of the name. */
function fromHeaders(headers: unknown, now: number): number | undefined {
  if (!isObject(headers)) return undefined;
  if (typeof headers.get === 'function') {
    const value: unknown = (headers as { get(name: string): unknown }).get('retry-after');
    return headerValue(value ?? undefined, now);
  }
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'retry-after');
  return name === undefined ? undefined : headerValue(headers[name], now);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The longest a failed try waits before the next when the service named no time. */
const MAX_BACKOFF_MS = 60_000;

/** How long to wait before the next try: what the service asked for, else 1 s doubling per try, at most a minute. */
export function waitBeforeRetryMs(error: unknown, clock: Clock, attempts: number): number {
  return retryAfterMs(error, clock) ?? Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (attempts - 1));
}
