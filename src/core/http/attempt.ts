// One attempt with its guards: wait for a per-key and a per-service slot, ask the service's breaker for leave,
// send, and tell the breaker what the answer says about the service's health.
import type { CircuitBreaker } from './circuitBreaker';
import type { KeyedSemaphores, Release, Semaphore } from './concurrencyLimit';
import { isTransientFailure, type AttemptFailure } from './transportFailure';
import type { Transport, WireRequest } from './transport';
import type { ServicePolicy } from './types';
import type { Readable } from 'node:stream';

/** Everything the layer keeps per service. */
export interface ServiceRuntime {
  name: string;
  policy: ServicePolicy;
  breaker: CircuitBreaker;
  limit: Semaphore;
  perKey: KeyedSemaphores | undefined;
}

export type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; bytes: Buffer }
  | { kind: 'response'; status: number; headers: Record<string, string>; stream: Readable }
  | { kind: 'failure'; failure: AttemptFailure };

const nothingToRelease: Release = () => undefined;

/**
 * Throws CancelledError while queued and the breaker's TransientError when it is open; every other failure
 * comes back as a result so the retry loop can weigh it.
 */
export async function runAttempt(
  runtime: ServiceRuntime,
  transport: Transport,
  wire: WireRequest,
  concurrencyKey: string | undefined,
): Promise<AttemptResult> {
  const release = await acquireSlots(runtime, concurrencyKey, wire.signal);
  let ticket;
  try {
    ticket = runtime.breaker.admit();
  } catch (error) {
    release();
    throw error;
  }
  const outcome = await transport.send(wire);
  if (!outcome.ok) {
    release();
    if (isTransientFailure(outcome.failure.kind)) ticket.failed();
    else ticket.neutral();
    return { kind: 'failure', failure: outcome.failure };
  }
  // 5xx says the service is struggling; any other answer (4xx included) says it is up.
  if (outcome.status >= 500) ticket.failed();
  else ticket.succeeded();
  if ('stream' in outcome) {
    // A streamed body still occupies the service (Graph counts it against the mailbox) until it is read or dropped.
    outcome.stream.once('close', release);
    return { kind: 'response', status: outcome.status, headers: outcome.headers, stream: outcome.stream };
  }
  release();
  return { kind: 'response', status: outcome.status, headers: outcome.headers, bytes: outcome.bytes };
}

/** The per-key slot first, so a busy mailbox does not sit on one of the service's slots while it waits. */
async function acquireSlots(
  runtime: ServiceRuntime,
  concurrencyKey: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Release> {
  const releaseKey =
    concurrencyKey !== undefined && runtime.perKey
      ? await runtime.perKey.acquire(concurrencyKey, signal)
      : nothingToRelease;
  try {
    const releaseService = await runtime.limit.acquire(signal);
    return () => {
      releaseService();
      releaseKey();
    };
  } catch (error) {
    releaseKey();
    throw error;
  }
}
