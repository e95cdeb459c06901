// ACS's SMS rate limits ("Service limits for Azure Communication Services", SMS): message units per
// minute, per number for toll-free (200) and short codes (6,000), per resource for an alphanumeric sender
// ID (600); past them the service answers 429. The sandbox counts message units (one per recipient) in a
// sliding minute, run `timeScale` times faster, and says in Retry-After when the oldest leaves the window.

export type SmsNumberType = 'tollFree' | 'shortCode' | 'alphanumeric';

export const SMS_LIMITS_PER_MINUTE: Readonly<Record<SmsNumberType, number>> = {
  tollFree: 200,
  shortCode: 6000,
  alphanumeric: 600,
};

export class SmsThrottle {
  private readonly sent = new Map<string, number[]>();
  private readonly windowMs: number;

  constructor(
    private readonly perMinute: number,
    timeScale: number,
    private readonly perResource: boolean,
  ) {
    this.windowMs = 60_000 / timeScale;
  }

  /** Takes `units` from the sender's minute, or says how many seconds to wait (nothing taken). */
  take(from: string, units: number, now: number): { ok: true } | { ok: false; retryAfterSeconds: string } {
    const key = this.perResource ? '*' : from;
    const times = (this.sent.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length + units > this.perMinute) {
      this.sent.set(key, times);
      const oldest = times[Math.max(0, times.length + units - this.perMinute - 1)] ?? now;
      return { ok: false, retryAfterSeconds: retryAfter(oldest + this.windowMs - now, this.windowMs < 60_000) };
    }
    for (let i = 0; i < units; i++) times.push(now);
    this.sent.set(key, times);
    return { ok: true };
  }

  clear(): void {
    this.sent.clear();
  }
}

/** Whole seconds as ACS sends them; in a time-scaled sandbox a fraction (as Graph sends "2.128"), or the wait would round up past the window. */
function retryAfter(waitMs: number, scaled: boolean): string {
  if (scaled) return (Math.max(1, waitMs) / 1000).toFixed(3);
  return String(Math.max(1, Math.ceil(waitMs / 1000)));
}
