// Dataverse's service protection limits (api-limits): per user, over a sliding window (300 s), the
// number of requests (6000), their combined execution time (1,200,000 ms) and the requests in
// flight at once (52). Over a limit the Web API answers 429 with Retry-After and the documented
// error code and message.

import { DataverseError } from './errors';

export interface DataverseLimits {
  requestLimit: number;
  windowSeconds: number;
  concurrentLimit: number;
  executionTimeLimitMs: number;
}

export const DEFAULT_LIMITS: DataverseLimits = {
  requestLimit: 6000,
  windowSeconds: 300,
  concurrentLimit: 52,
  executionTimeLimitMs: 1_200_000,
};

interface UserWindow {
  /** Start times of counted requests, oldest first, from `head` on. */
  starts: number[];
  /** [end time, duration] of finished requests, oldest first, from `durationHead` on. */
  durations: [number, number][];
  head: number;
  durationHead: number;
  totalMs: number;
}

const thousands = new Intl.NumberFormat('en-US');

function tooMany(code: string, message: string, retryAfterSeconds: number): DataverseError {
  return new DataverseError(429, code, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
}

export class ServiceProtection {
  private limits: DataverseLimits;
  private readonly users = new Map<string, UserWindow>();
  private readonly inFlight = new Map<string, number>();

  constructor(limits: Partial<DataverseLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  configure(limits: Partial<DataverseLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  get current(): DataverseLimits {
    return { ...this.limits };
  }

  /**
   * Counts a request as in flight from its arrival, keyed by its bearer token (one token is one
   * user here): the only wait inside the sandbox is token verification, so arrival is when
   * concurrency shows. Returns the release function.
   */
  enter(key: string): () => void {
    const count = this.inFlight.get(key) ?? 0;
    if (count >= this.limits.concurrentLimit) {
      throw tooMany(
        '0x80072326',
        `Number of concurrent requests exceeded the limit of ${this.limits.concurrentLimit}.`,
        1,
      );
    }
    this.inFlight.set(key, count + 1);
    return () => {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }

  private windowOf(userId: string, now: number): UserWindow {
    let window = this.users.get(userId);
    if (!window) {
      window = { starts: [], durations: [], head: 0, durationHead: 0, totalMs: 0 };
      this.users.set(userId, window);
    }
    const since = now - this.limits.windowSeconds * 1000;
    while (window.head < window.starts.length && window.starts[window.head] <= since) window.head++;
    while (window.durationHead < window.durations.length && window.durations[window.durationHead][0] <= since) {
      window.totalMs -= window.durations[window.durationHead][1];
      window.durationHead++;
    }
    if (window.head > 1024 && window.head * 2 > window.starts.length) {
      window.starts = window.starts.slice(window.head);
      window.head = 0;
    }
    if (window.durationHead > 1024 && window.durationHead * 2 > window.durations.length) {
      window.durations = window.durations.slice(window.durationHead);
      window.durationHead = 0;
    }
    return window;
  }

  /** Throws the 429 when the user is over a limit; otherwise counts the request. */
  admit(userId: string, now: number): void {
    const window = this.windowOf(userId, now);
    const windowMs = this.limits.windowSeconds * 1000;
    if (window.starts.length - window.head >= this.limits.requestLimit) {
      const oldest = window.starts[window.head];
      throw tooMany(
        '0x80072322',
        `Number of requests exceeded the limit of ${this.limits.requestLimit} over time window of ${this.limits.windowSeconds} seconds.`,
        (oldest + windowMs - now) / 1000,
      );
    }
    if (window.totalMs >= this.limits.executionTimeLimitMs) {
      const oldest = window.durations[window.durationHead]?.[0] ?? now;
      throw tooMany(
        '0x80072321',
        `Combined execution time of incoming requests exceeded limit of ${thousands.format(this.limits.executionTimeLimitMs)} milliseconds over time window of ${this.limits.windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
        (oldest + windowMs - now) / 1000,
      );
    }
    window.starts.push(now);
  }

  finish(userId: string, now: number, durationMs: number): void {
    const window = this.windowOf(userId, now);
    window.durations.push([now, durationMs]);
    window.totalMs += durationMs;
  }

  /** The debug headers the Web API sends with every answer. */
  remainingHeaders(userId: string, now: number): Record<string, string> {
    const window = this.windowOf(userId, now);
    const requests = Math.max(0, this.limits.requestLimit - (window.starts.length - window.head));
    const time = Math.max(0, this.limits.executionTimeLimitMs - window.totalMs);
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(requests),
      'x-ms-ratelimit-time-remaining-xrm-requests': `${thousands.format(time)}.00`,
    };
  }
}
