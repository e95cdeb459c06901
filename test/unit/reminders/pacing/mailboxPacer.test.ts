// The mailbox pacer on a fake timeline: tasks take fake time, the test moves the clock in small steps, and every
// start and settle is recorded so the limits are checked over every window rather than sampled.
import { strict as assert } from 'node:assert';
import { CancelledError } from '../../../../src/core/errors';
import { createMailboxPacer, PACING_WINDOW_MS, type MailboxPacer } from '../../../../src/core/reminders';
import { FakeClock } from '../../../builders/fakeClock';

const STEP_MS = 25;

interface Run {
  mailbox: string;
  label: string;
  submission: boolean;
  startedAt: number;
  settledAt: number | undefined;
}

/** Lets every promise continuation that is ready run (several rounds: continuations queue more). */
async function flush(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

class Timeline {
  readonly runs: Run[] = [];
  running = new Map<string, number>();
  maxRunning = new Map<string, number>();

  constructor(readonly clock: FakeClock) {}

  /** A task that takes `durationMs` of fake time and records when it started and settled. */
  task(
    mailbox: string,
    label: string,
    durationMs: number,
    submission = false,
    fails = false,
    requests = 1,
  ): () => Promise<string> {
    return async () => {
      const run: Run = { mailbox, label, submission, startedAt: this.clock.now(), settledAt: undefined };
      this.runs.push(run);
      const now = (this.running.get(mailbox) ?? 0) + requests;
      this.running.set(mailbox, now);
      this.maxRunning.set(mailbox, Math.max(now, this.maxRunning.get(mailbox) ?? 0));
      try {
        await this.clock.sleep(durationMs);
        if (fails) throw new Error(`${label} failed`);
        return label;
      } finally {
        run.settledAt = this.clock.now();
        this.running.set(mailbox, (this.running.get(mailbox) ?? requests) - requests);
      }
    };
  }

  started(label: string): Run | undefined {
    return this.runs.find((run) => run.label === label);
  }

  /** Moves fake time forward in small steps until `done` holds (or a bound passes, which fails the test). */
  async advanceUntil(done: () => boolean, boundMs = 30 * PACING_WINDOW_MS): Promise<void> {
    const until = this.clock.now() + boundMs;
    await flush();
    while (!done()) {
      assert.ok(this.clock.now() < until, 'the timeline did not finish within its bound');
      this.clock.advance(STEP_MS);
      await flush();
    }
  }
}

/** Settles a promise into a value the test can look at without awaiting it at once. */
function outcomeOf<T>(promise: Promise<T>): { value?: T; error?: unknown; settled: boolean } {
  const outcome: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { value, settled: true }),
    (error: unknown) => Object.assign(outcome, { error, settled: true }),
  );
  return outcome;
}

/**
 * The most submissions that a server could have counted in one sliding minute: it accepts each somewhere
 * between its start and its settle, so the worst case for the window ending at T counts every submission that
 * started by T and settled after T - 60 s. That count only rises when T passes a start, so checking T at every
 * start covers every window of the timeline.
 */
function worstWindow(runs: Run[], mailbox: string): number {
  const submissions = runs.filter((run) => run.submission && run.mailbox === mailbox);
  let worst = 0;
  for (const { startedAt: end } of submissions) {
    const inWindow = submissions.filter(
      (run) => run.startedAt <= end && (run.settledAt ?? Infinity) > end - PACING_WINDOW_MS,
    ).length;
    worst = Math.max(worst, inWindow);
  }
  return worst;
}

/** The most submissions started in any window [t, t + 60 s), t at every start. */
function mostStartsInAnyWindow(runs: Run[], mailbox: string): number {
  const starts = runs.filter((run) => run.submission && run.mailbox === mailbox).map((run) => run.startedAt);
  return Math.max(0, ...starts.map((t) => starts.filter((s) => s >= t && s < t + PACING_WINDOW_MS).length));
}

describe('the mailbox pacer', () => {
  let clock: FakeClock;
  let timeline: Timeline;
  let pacer: MailboxPacer;

  beforeEach(() => {
    clock = new FakeClock(false);
    timeline = new Timeline(clock);
    pacer = createMailboxPacer({ clock, perMinute: 30, concurrency: 4 });
  });

  it('keeps a burst of 100 submissions in one mailbox within 30 in every sliding minute, and wastes no window', async () => {
    const results = Array.from({ length: 100 }, (_, i) =>
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', `send ${i}`, 150 + ((i * 37) % 900), true), {
        submission: true,
      }),
    );
    const all = Promise.all(results);
    await timeline.advanceUntil(() => timeline.runs.filter((run) => run.settledAt !== undefined).length === 100);
    assert.equal((await all).length, 100);

    assert.equal(mostStartsInAnyWindow(timeline.runs, 'alice@contoso.test'), 30);
    assert.equal(worstWindow(timeline.runs, 'alice@contoso.test'), 30);
    // Not slower than the limits make it: the 31st starts as soon as the first settled submission's minute ends.
    const firstThirty = timeline.runs.slice(0, 30);
    const firstOpening = Math.min(...firstThirty.map((run) => run.settledAt ?? Infinity)) + PACING_WINDOW_MS;
    const thirtyFirst = timeline.runs[30];
    assert.ok(thirtyFirst, 'the 31st submission ran');
    assert.ok(thirtyFirst.startedAt >= firstOpening && thirtyFirst.startedAt < firstOpening + STEP_MS);
  });

  it('starts tasks in the order they were asked for, submissions or not', async () => {
    const labels = Array.from({ length: 40 }, (_, i) => `task ${i}`);
    const all = Promise.all(
      labels.map((label, i) => {
        const submission = i % 3 !== 0;
        return pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', label, 100 + (i % 7) * 50), {
          submission,
        });
      }),
    );
    await timeline.advanceUntil(() => timeline.runs.filter((run) => run.settledAt !== undefined).length === 40);
    await all;
    assert.deepEqual(
      timeline.runs.map((run) => run.label),
      labels,
    );
  });

  it('never runs more than the concurrency cap in one mailbox, and does reach it', async () => {
    const all = Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', `read ${i}`, 100 + ((i * 53) % 400)), {
          submission: i % 2 === 0,
        }),
      ),
    );
    await timeline.advanceUntil(() => timeline.runs.filter((run) => run.settledAt !== undefined).length === 25);
    await all;
    assert.equal(timeline.maxRunning.get('alice@contoso.test'), 4);
  });

  it('counts a $batch of three as three requests in flight, so a batch beside single requests stays within the cap', async () => {
    const all = Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const requests = i % 3 === 0 ? 3 : 1;
        const task = timeline.task('alice@contoso.test', `call ${i}`, 100 + ((i * 71) % 500), false, false, requests);
        return pacer.run('alice@contoso.test', task, { slots: requests });
      }),
    );
    await timeline.advanceUntil(() => timeline.runs.filter((run) => run.settledAt !== undefined).length === 24);
    await all;
    assert.equal(timeline.maxRunning.get('alice@contoso.test'), 4);
  });

  it('runs a task asking for more slots than the cap alone, rather than never', async () => {
    pacer = createMailboxPacer({ clock, perMinute: 30, concurrency: 2 });
    const all = Promise.all([
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'single', 100)),
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'batch of 5', 100, false, false, 2), {
        slots: 5,
      }),
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'after', 100)),
    ]);
    await timeline.advanceUntil(() => timeline.runs.filter((run) => run.settledAt !== undefined).length === 3);
    assert.deepEqual(await all, ['single', 'batch of 5', 'after']);
    assert.equal(timeline.maxRunning.get('alice@contoso.test'), 2);
  });

  it('treats one address in any casing as one mailbox', async () => {
    const all = Promise.all(
      [
        'alice@contoso.test',
        'Alice@Contoso.test',
        ' ALICE@contoso.test',
        'alice@CONTOSO.TEST',
        'alice@contoso.test',
      ].map((mailbox, i) => pacer.run(mailbox, timeline.task('alice', `read ${i}`, 1_000))),
    );
    await timeline.advanceUntil(() => timeline.runs.filter((run) => run.settledAt !== undefined).length === 5);
    await all;
    assert.equal(timeline.maxRunning.get('alice'), 4);
  });

  it('runs two mailboxes in parallel: one at its limits never holds up the other', async () => {
    // Alice's window is full and her four slots are busy with long tasks.
    const alice = Array.from({ length: 34 }, (_, i) =>
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', `alice ${i}`, i < 30 ? 100 : 5_000, i < 30), {
        submission: i < 30,
      }),
    );
    await timeline.advanceUntil(
      () => timeline.runs.filter((run) => run.mailbox === 'alice@contoso.test').length === 34,
    );
    const aliceWaiting = pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'alice late', 100, true), {
      submission: true,
    });
    const bob = Array.from({ length: 4 }, (_, i) =>
      pacer.run('bob@contoso.test', timeline.task('bob@contoso.test', `bob ${i}`, 100, true), { submission: true }),
    );
    const bobStartedAt = clock.now();
    await flush();

    assert.equal(timeline.started('alice late'), undefined, "alice's next submission waits for her window");
    assert.deepEqual(
      timeline.runs.filter((run) => run.mailbox === 'bob@contoso.test').map((run) => run.startedAt),
      [bobStartedAt, bobStartedAt, bobStartedAt, bobStartedAt],
    );
    await timeline.advanceUntil(() => timeline.started('alice late')?.settledAt !== undefined);
    await Promise.all([...alice, aliceWaiting, ...bob]);
  });

  it('takes an aborted waiter out of the queue: it never runs, and the task behind it starts', async () => {
    pacer = createMailboxPacer({ clock, perMinute: 1, concurrency: 1 });
    const first = pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'first', 100, true), {
      submission: true,
    });
    const controller = new AbortController();
    const aborted = outcomeOf(
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'aborted', 100, true), {
        submission: true,
        signal: controller.signal,
      }),
    );
    const read = outcomeOf(pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'read', 100)));
    await timeline.advanceUntil(() => timeline.started('first')?.settledAt !== undefined);
    await first;
    await timeline.advanceUntil(() => clock.now() >= (timeline.started('first')?.settledAt ?? 0) + 1_000);
    assert.equal(timeline.started('read'), undefined, 'FIFO: the read waits behind the submission');

    controller.abort();
    await flush();
    assert.ok(aborted.error instanceof CancelledError);
    assert.equal(timeline.started('aborted'), undefined);
    assert.ok(timeline.started('read'), 'the read behind the aborted submission starts at once');
    await timeline.advanceUntil(() => read.settled);
    assert.equal(read.value, 'read');
  });

  it('lets the next submission have the window an aborted waiter never took', async () => {
    pacer = createMailboxPacer({ clock, perMinute: 1, concurrency: 2 });
    const first = pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'first', 100, true), {
      submission: true,
    });
    const controller = new AbortController();
    const aborted = outcomeOf(
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'aborted', 100, true), {
        submission: true,
        signal: controller.signal,
      }),
    );
    const next = pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'next', 100, true), {
      submission: true,
    });
    await timeline.advanceUntil(() => timeline.started('first')?.settledAt !== undefined);
    controller.abort();
    await timeline.advanceUntil(() => timeline.started('next')?.settledAt !== undefined);
    await Promise.all([first, next]);
    assert.ok(aborted.error instanceof CancelledError);
    const opening = (timeline.started('first')?.settledAt ?? 0) + PACING_WINDOW_MS;
    const nextStart = timeline.started('next')?.startedAt ?? 0;
    assert.ok(nextStart >= opening && nextStart < opening + STEP_MS, `next started at +${nextStart - opening} ms`);
  });

  it('rejects at once, running nothing, when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'never', 100), { signal: controller.signal }),
      CancelledError,
    );
    assert.equal(timeline.runs.length, 0);
  });

  it('frees the slot of a task that throws, and hands its error to the caller', async () => {
    pacer = createMailboxPacer({ clock, perMinute: 30, concurrency: 1 });
    const failing = outcomeOf(
      pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'failing', 100, false, true)),
    );
    const throwing = outcomeOf(
      pacer.run('alice@contoso.test', () => {
        throw new Error('thrown before any promise');
      }),
    );
    const after = pacer.run('alice@contoso.test', timeline.task('alice@contoso.test', 'after', 100));
    await timeline.advanceUntil(() => timeline.started('after')?.settledAt !== undefined);
    assert.equal(await after, 'after');
    assert.match(String((failing.error as Error).message), /failing failed/);
    assert.match(String((throwing.error as Error).message), /thrown before any promise/);
  });

  it('lets reads pass a submission waiting for its window when it says so; it still starts first once the window opens', async () => {
    pacer = createMailboxPacer({ clock, perMinute: 1, concurrency: 2 });
    const mailbox = 'alice@contoso.test';
    const first = pacer.run(mailbox, timeline.task(mailbox, 'first', 100, true), { submission: true });
    const waiting = pacer.run(mailbox, timeline.task(mailbox, 'waiting', 100, true), {
      submission: true,
      letOthersPass: true,
    });
    const later = pacer.run(mailbox, timeline.task(mailbox, 'later submission', 100, true), {
      submission: true,
      letOthersPass: true,
    });
    const reads = Array.from({ length: 3 }, (_, i) => pacer.run(mailbox, timeline.task(mailbox, `read ${i}`, 100)));
    await timeline.advanceUntil(() => timeline.started('read 2')?.settledAt !== undefined);
    await Promise.all([first, ...reads]);
    const opening = (timeline.started('first')?.settledAt ?? 0) + PACING_WINDOW_MS;
    assert.ok((timeline.started('read 2')?.settledAt ?? Infinity) < opening, 'the reads ran before the window opened');
    assert.equal(timeline.started('waiting'), undefined, 'the submission still waits for its window');
    assert.equal(timeline.started('later submission'), undefined, 'a later submission keeps its place behind it');
    assert.equal(pacer.waitingForWindow?.('Alice@Contoso.test'), true, 'it says the mailbox waits for its window');

    const read = pacer.run(mailbox, timeline.task(mailbox, 'read at the opening', 100));
    await timeline.advanceUntil(() => timeline.started('waiting') !== undefined);
    const waitingStart = timeline.started('waiting')?.startedAt ?? 0;
    assert.ok(waitingStart >= opening && waitingStart < opening + STEP_MS, `started at +${waitingStart - opening} ms`);
    await timeline.advanceUntil(() => timeline.started('later submission')?.settledAt !== undefined);
    await Promise.all([waiting, later, read]);
    assert.equal(pacer.waitingForWindow?.(mailbox), false, 'nothing waits any more');
    assert.ok(
      (timeline.started('later submission')?.startedAt ?? 0) >=
        (timeline.started('waiting')?.settledAt ?? Infinity) + PACING_WINDOW_MS,
      'one submission a minute still',
    );
    assert.equal(worstWindow(timeline.runs, mailbox), 1);
  });

  it('refuses a rate or a concurrency below one', () => {
    assert.throws(() => createMailboxPacer({ clock, perMinute: 0, concurrency: 4 }), /perMinute/);
    assert.throws(() => createMailboxPacer({ clock, perMinute: 30, concurrency: 1.5 }), /concurrency/);
  });
});
