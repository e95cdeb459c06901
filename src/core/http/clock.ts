// The real clock: wall time and an abortable sleep, the default when a caller injects none.
import { CancelledError } from '../errors';
import type { Clock } from './types';

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
