// Queues requests beyond a service's (or a mailbox's) concurrency limit instead of rejecting them.
// Hand-written rather than cockatiel's bulkhead because that one keeps a cancelled waiter in its queue until a
// slot frees (cancellation must be immediate) and frees the slot when the function returns, while a streamed
// response must hold its slot until the body has been read.
import { CancelledError } from '../errors';

/** Gives the slot back; calling it more than once is harmless. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
}

export class Semaphore {
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next.grant(this.releaser());
      else this.active--;
    };
  }
}

/** One semaphore per key (per mailbox, per user), dropped again once idle so keys do not pile up. */
export class KeyedSemaphores {
  private readonly byKey = new Map<string, Semaphore>();

  constructor(private readonly limit: number) {}

  async acquire(key: string, signal?: AbortSignal): Promise<Release> {
    let semaphore = this.byKey.get(key);
    if (!semaphore) {
      semaphore = new Semaphore(this.limit);
      this.byKey.set(key, semaphore);
    }
    const owner = semaphore;
    try {
      const release = await owner.acquire(signal);
      return () => {
        release();
        this.forgetIfIdle(key, owner);
      };
    } catch (error) {
      this.forgetIfIdle(key, owner);
      throw error;
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  private forgetIfIdle(key: string, semaphore: Semaphore): void {
    if (semaphore.inFlight === 0 && semaphore.queued === 0 && this.byKey.get(key) === semaphore) {
      this.byKey.delete(key);
    }
  }
}
