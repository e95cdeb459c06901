// Time as the core reads it: one Clock, injected wherever time is read (HTTP backoff and breaker, token
// expiry, store timestamps, log lines, the editor's grouping by day), so tests move time instead of waiting.
// systemClock is the real one, the default when a caller injects none.
import { CancelledError } from '../errors';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with CancelledError at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepAbortably(ms, signal),
};

/** A wait that a cancelled operation can cut short: the backoff must not outlive the caller's interest. */
export function sleepAbortably(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
