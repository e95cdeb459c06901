// Stripe's idempotent requests: a POST with `Idempotency-Key` saves its status and body once it ran;
// the same key with the same endpoint and params replays them (`Idempotent-Replayed: true`), with
// other params or another endpoint it is a 400 idempotency_error. Keys are pruned after 24 hours.
// Requests that fail validation (400) or authentication are not saved, as Stripe documents.

import type { SavedResponse, StripeState } from './state';
import { idempotencyEndpointMismatch, idempotencyMismatch, invalidRequest } from './wire';

const RETENTION_MS = 24 * 3600 * 1000;
const MAX_KEY_LENGTH = 255;

/** Stable JSON of the parsed params, so key order in the form body does not matter. */
export function canonicalParams(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalParams((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function pruneExpired(state: StripeState, nowMs: number): void {
  for (const [key, saved] of Object.entries(state.idempotency)) {
    if (nowMs - saved.savedAt >= RETENTION_MS) delete state.idempotency[key];
  }
}

/** The saved response to replay, undefined when the key is new; throws on a mismatched reuse. */
export function findSaved(
  state: StripeState,
  request: { key: string; method: string; path: string; params: string },
  nowMs: number,
): SavedResponse | undefined {
  if (request.key.length > MAX_KEY_LENGTH) {
    throw invalidRequest(
      `Idempotency keys must be at most ${MAX_KEY_LENGTH} characters long.`,
      undefined,
      'Idempotency-Key',
    );
  }
  pruneExpired(state, nowMs);
  const saved = state.idempotency[request.key];
  if (saved === undefined) return undefined;
  if (saved.path !== request.path || saved.method !== request.method) {
    throw idempotencyEndpointMismatch(request.key, saved.path, request.path);
  }
  if (saved.params !== request.params) throw idempotencyMismatch(request.key);
  return saved;
}

/** Stripe saves a result once the endpoint started executing: successes, card errors, 404s, 5xx. */
export function worthSaving(status: number): boolean {
  return status !== 400 && status !== 401 && status !== 429;
}
