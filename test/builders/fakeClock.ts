// A clock for tests: time moves only when a sleep runs (auto mode) or when the test advances it (manual mode),
// and every requested wait is recorded so tests can assert the backoff without waiting for it.
import type { Clock } from '../../src/core/clock';
import { CancelledError } from '../../src/core/errors';

interface PendingSleep {
  until: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private time: number;
  private readonly pending: PendingSleep[] = [];
  private sleepListeners: Array<() => void> = [];

  /** In auto mode a sleep advances time by its length and resolves at once. */
  constructor(
    private readonly auto = true,
    start = Date.UTC(2026, 0, 5, 9, 0, 0),
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    this.sleeps.push(ms);
    const listeners = this.sleepListeners;
    this.sleepListeners = [];
    listeners.forEach((listener) => listener());
    if (this.auto) {
      this.time += ms;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry: PendingSleep = { until: this.time + ms, resolve };
      this.pending.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.pending.splice(this.pending.indexOf(entry), 1);
          reject(new CancelledError());
        },
        { once: true },
      );
    });
  }

  advance(ms: number): void {
    this.time += ms;
    for (const entry of [...this.pending]) {
      if (entry.until <= this.time) {
        this.pending.splice(this.pending.indexOf(entry), 1);
        entry.resolve();
      }
    }
  }

  /** Resolves once some code is waiting in sleep() (manual mode), or at the next sleep. */
  whenSleeping(): Promise<void> {
    if (this.pending.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.sleepListeners.push(resolve));
  }
}

/** A clock that reads the time from the test (`() => t`) and never waits: for code that only asks the time. */
export function clockReading(now: () => number): Clock {
  return { now, sleep: () => Promise.resolve() };
}
