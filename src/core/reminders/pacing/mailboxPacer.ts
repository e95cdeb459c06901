// Paces work per mailbox at Exchange Online's real limits: at most `concurrency` tasks at once (Graph allows 4
// concurrent requests per mailbox) and at most `perMinute` submissions in any sliding minute (a mailbox submits
// about 30 messages a minute; beyond that Exchange queues mail on the server with no error, so only the client
// can keep to the pace). Mailboxes never wait for each other; within one mailbox tasks start in arrival order,
// except that a submission waiting for its window may let tasks behind it that are not submissions start
// (`letOthersPass`): the sender prepares its next drafts while a /send waits, and sends them when the window opens.
// A task that is a JSON $batch of n requests to the mailbox takes n slots: Outlook runs a batch's items side by
// side and counts each against the mailbox's concurrency, so a batch of 3 beside 3 single requests gets 429s.
//
// Written by hand: p-queue is ESM-only and reads the system timers, bottleneck and p-throttle read the system
// time and timers too, and none paces a sliding window per key under an injected Clock, which the reminders'
// tests need to move time instead of waiting. cockatiel's bulkhead (in use) has no rate at all.
//
// A submission counts against the window from the moment its task starts until a minute after it settles:
// the server accepts it somewhere in between (a /send retried after a 429 inside the HTTP layer is accepted
// late), so counting it until then keeps every window the server sees within `perMinute`, whatever the latency.
import type { Clock } from '../../clock';
import { CancelledError, ValidationError } from '../../errors';

/** Exchange's sending window. */
export const PACING_WINDOW_MS = 60_000;

export interface MailboxRunOptions {
  /** Takes one of the mailbox's `perMinute` submissions in a sliding minute. */
  submission?: boolean;
  /** Concurrency slots the task holds (a $batch: its requests to the mailbox); 1 by default, at most the cap. */
  slots?: number;
  /**
   * A submission that lets tasks behind it which are not submissions start while it waits for the window
   * (it still starts before them once the window opens): the sender drafts its next reminders meanwhile.
   * Without it the lane is strictly first come, first started.
   */
  letOthersPass?: boolean;
  signal?: AbortSignal;
}

export interface MailboxPacer {
  /**
   * Runs `task` when `mailbox` has a free concurrency slot; `submission: true` also takes one of the
   * mailbox's `perMinute` submissions in a sliding minute. Rejects with CancelledError on abort.
   */
  run<T>(mailbox: string, task: () => Promise<T>, options?: MailboxRunOptions): Promise<T>;
  /** Whether a submission of `mailbox` is waiting because its window is full. */
  waitingForWindow?(mailbox: string): boolean;
}

export interface MailboxPacerOptions {
  clock: Clock;
  perMinute: number;
  concurrency: number;
}

interface Waiter {
  submission: boolean;
  letOthersPass: boolean;
  slots: number;
  start: () => void;
}

/** A submission's hold on the window: from its start until a minute after it settled. */
interface SubmissionHold {
  settledAt: number | undefined;
}

interface MailboxLane {
  /** Concurrency slots held by running tasks. */
  running: number;
  readonly queue: Waiter[];
  readonly holds: SubmissionHold[];
  /** Cancels the pending wake-up for the window, when one is set. */
  wake: AbortController | undefined;
}

export function createMailboxPacer(options: MailboxPacerOptions): MailboxPacer {
  const { clock } = options;
  const perMinute = positiveWholeNumber(options.perMinute, 'perMinute');
  const concurrency = positiveWholeNumber(options.concurrency, 'concurrency');
  const lanes = new Map<string, MailboxLane>();

  const laneOf = (key: string): MailboxLane => {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { running: 0, queue: [], holds: [], wake: undefined };
      lanes.set(key, lane);
    }
    return lane;
  };

  /** Drops holds whose minute has passed; true when the lane may start a submission now. */
  const windowHasRoom = (lane: MailboxLane, now: number): boolean => {
    for (let i = lane.holds.length - 1; i >= 0; i--) {
      const settledAt = lane.holds[i]?.settledAt;
      if (settledAt !== undefined && settledAt + PACING_WINDOW_MS <= now) lane.holds.splice(i, 1);
    }
    return lane.holds.length < perMinute;
  };

  /** When the oldest settled hold leaves the window; undefined while every hold is still running. */
  const nextWindowOpening = (lane: MailboxLane): number | undefined => {
    let earliest: number | undefined;
    for (const hold of lane.holds) {
      if (hold.settledAt === undefined) continue;
      const opensAt = hold.settledAt + PACING_WINDOW_MS;
      if (earliest === undefined || opensAt < earliest) earliest = opensAt;
    }
    return earliest;
  };

  const forgetIfIdle = (key: string, lane: MailboxLane): void => {
    if (lane.running === 0 && lane.queue.length === 0 && lane.holds.length === 0 && lanes.get(key) === lane) {
      lane.wake?.abort();
      lanes.delete(key);
    }
  };

  /**
   * Starts queued tasks in order while the next may start; otherwise waits for the window (or a slot) to open.
   * Behind a submission waiting for the window that lets others pass, tasks that are not submissions may start
   * (in order); later submissions keep their place behind it.
   */
  const pump = (key: string, lane: MailboxLane): void => {
    let index = 0;
    let passing = false;
    for (;;) {
      const next = lane.queue[index];
      if (!next || lane.running + next.slots > concurrency) break;
      if (next.submission && (passing || !windowHasRoom(lane, clock.now()))) {
        scheduleWake(key, lane);
        if (!next.letOthersPass) break;
        passing = true;
        index++;
        continue;
      }
      lane.queue.splice(index, 1);
      next.start();
    }
    if (lane.queue.length === 0 && lane.wake) {
      lane.wake.abort();
      lane.wake = undefined;
    }
    windowHasRoom(lane, clock.now());
    forgetIfIdle(key, lane);
  };

  const scheduleWake = (key: string, lane: MailboxLane): void => {
    if (lane.wake) return;
    const opensAt = nextWindowOpening(lane);
    // Every hold still running: the next settle pumps the lane again.
    if (opensAt === undefined) return;
    const wake = new AbortController();
    lane.wake = wake;
    clock.sleep(Math.max(0, opensAt - clock.now()), wake.signal).then(
      () => {
        if (lane.wake !== wake) return;
        lane.wake = undefined;
        pump(key, lane);
      },
      // Aborted: the lane no longer needs this wake-up.
      () => undefined,
    );
  };

  return {
    waitingForWindow(mailbox: string): boolean {
      const lane = lanes.get(mailbox.trim().toLowerCase());
      if (!lane?.queue.some((waiter) => waiter.submission)) return false;
      return !windowHasRoom(lane, clock.now());
    },
    run<T>(mailbox: string, task: () => Promise<T>, runOptions: MailboxRunOptions = {}): Promise<T> {
      const { signal } = runOptions;
      const submission = runOptions.submission === true;
      const letOthersPass = submission && runOptions.letOthersPass === true;
      // More slots than the cap could never start: such a task waits for the whole mailbox instead.
      const slots = Math.min(concurrency, Math.max(1, Math.floor(runOptions.slots ?? 1)));
      if (signal?.aborted) return Promise.reject(new CancelledError());
      // Exchange addresses are case-insensitive: Alice@… and alice@… are one mailbox with one limit.
      const key = mailbox.trim().toLowerCase();
      const lane = laneOf(key);
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          const index = lane.queue.indexOf(waiter);
          if (index < 0) return;
          lane.queue.splice(index, 1);
          reject(new CancelledError());
          // The head may have been the one waiting for the window; whoever is next may start now.
          pump(key, lane);
        };
        const waiter: Waiter = {
          submission,
          letOthersPass,
          slots,
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            lane.running += slots;
            const hold: SubmissionHold | undefined = submission ? { settledAt: undefined } : undefined;
            if (hold) lane.holds.push(hold);
            const settle = (): void => {
              lane.running -= slots;
              if (hold) hold.settledAt = clock.now();
              pump(key, lane);
            };
            let running: Promise<T>;
            try {
              running = task();
            } catch (error) {
              running = Promise.reject(error);
            }
            running.then(
              (value) => {
                settle();
                resolve(value);
              },
              (error: unknown) => {
                settle();
                reject(error);
              },
            );
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        lane.queue.push(waiter);
        pump(key, lane);
      });
    },
  };
}

function positiveWholeNumber(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`The mailbox pacer's ${name} must be a whole number of at least 1 (got ${value}).`, {
      code: 'reminders.pacingInvalid',
      detail: { [name]: value },
    });
  }
  return value;
}
