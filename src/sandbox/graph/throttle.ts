// Outlook's per-(app, mailbox) concurrency limit: at most four requests in flight; the next one gets
// 429 ApplicationThrottled "Application is over its MailboxConcurrency limit." with Retry-After.

export const MAILBOX_CONCURRENCY = 4;

export class MailboxConcurrency {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly limit: () => number) {}

  /** A release function when a slot was free, undefined when the mailbox is at its limit. */
  tryAcquire(appId: string, mailboxId: string): (() => void) | undefined {
    const key = `${appId}|${mailboxId}`;
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.limit()) return undefined;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }
}

/**
 * At most `limit` holders per key, the rest queue in arrival order: how Outlook works through the
 * items of one JSON batch (four at a time per mailbox), so a batch never throttles itself.
 */
export class KeyedSemaphore {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {}

  async acquire(key: string): Promise<() => void> {
    const count = this.running.get(key) ?? 0;
    if (count < this.limit) this.running.set(key, count + 1);
    else {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    }
    return () => this.release(key);
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    // The slot passes straight to the next waiter, so the count never dips below the limit meanwhile.
    if (next) next();
    else this.running.set(key, (this.running.get(key) ?? 1) - 1);
  }
}
