// Graph refusing for a while: a 429 is waited out for as long as its Retry-After asks, and a service that
// keeps failing puts the reminder in Failed after maxAttempts tries, with the count and the last error on
// its row, and no mail.
import { strict as assert } from 'node:assert';
import { systemClock, type Clock } from '../../../src/core/clock';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { sendDueReminders } from '../../../src/core/reminders';
import { createGraphService } from '../../../src/sandbox/graph';
import { SenderWorld } from './senderWorld';

const c = DEFAULT_TABLES.scheduledMessage.columns;
const DRAFT_ROUTE = '^POST /v1\\.0/users/[^/]+/messages$';

/** Real time; every wait the sender asks for is recorded and passes a thousand times faster. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return systemClock.sleep(ms / 1000, signal);
    },
  };
}

describe('Sending reminders while Graph refuses', function () {
  this.timeout(60_000);
  let world: SenderWorld;

  before(async () => {
    world = await SenderWorld.start({ dueReminders: 2, timeScale: 100 });
  });
  after(async () => world?.stop());
  beforeEach(() => world.reset());

  it('waits out a 429 for as long as its Retry-After says, then sends once', async () => {
    const id = world.dueReminderIds()[0] as string;
    // Two seconds: the HTTP layer itself waits and sends the draft again.
    world.sandbox.faults.add({ service: 'graph', kind: 'throttle', rate: 1, limit: 1, value: 2, route: DRAFT_ROUTE });
    const report = await sendDueReminders(world.deps(), { reminderIds: [id] });
    assert.equal(report.items[0]?.outcome, 'sent', JSON.stringify(report.items));
    const drafts = world.sandbox.requestLog().filter((e) => e.method === 'POST' && /\/messages$/.test(e.path));
    assert.deepEqual(
      drafts.map((e) => e.status),
      [429, 201],
    );
    const waited = Date.parse(drafts[1]?.time ?? '') - Date.parse(drafts[0]?.time ?? '');
    assert.ok(waited >= 1_900, `the draft was sent again ${waited} ms after the 429, not before its Retry-After`);
    await world.drained();
    assert.equal(world.sentCopies().get(id), 1);
  });

  it('a Retry-After longer than the HTTP layer waits is waited out by the sender, counted as a try', async () => {
    const id = world.dueReminderIds()[0] as string;
    const attemptsBefore = Number((await world.row(id))[c.attempts] ?? 0);
    world.sandbox.faults.add({ service: 'graph', kind: 'throttle', rate: 1, limit: 1, value: 120, route: DRAFT_ROUTE });
    const clock = recordingClock();
    const report = await sendDueReminders(world.deps({ clock }), { reminderIds: [id] });
    assert.equal(report.items[0]?.outcome, 'sent', JSON.stringify(report.items));
    assert.ok(clock.sleeps.includes(120_000), `waited ${JSON.stringify(clock.sleeps)}`);
    assert.equal((await world.row(id))[c.attempts], attemptsBefore + 1);
    await world.drained();
    assert.equal(world.sentCopies().get(id), 1);
  });

  it('a service that keeps failing puts the reminder in Failed after maxAttempts, with the last error', async () => {
    const id = world.dueReminderIds()[0] as string;
    const attemptsBefore = Number((await world.row(id))[c.attempts] ?? 0);
    world.sandbox.faults.add({ service: 'graph', kind: 'error500', rate: 1, route: DRAFT_ROUTE });
    const clock = recordingClock();
    const report = await sendDueReminders(world.deps({ clock, settings: { maxAttempts: attemptsBefore + 3 } }), {
      reminderIds: [id],
    });
    assert.equal(report.items[0]?.outcome, 'failed', JSON.stringify(report.items));
    assert.match(report.items[0]?.error ?? '', /500/);
    const row = await world.row(id);
    assert.equal(await world.statusOf(id), 'failed');
    assert.equal(row[c.attempts], attemptsBefore + 3);
    assert.match(String(row[c.lastError]), /Graph answered 500/);
    assert.equal(row[c.sendClaim], null);
    const drafts = world.sandbox.requestLog().filter((e) => e.method === 'POST' && /\/messages$/.test(e.path));
    assert.equal(drafts.length, 3, 'tried three times');
    assert.equal(clock.sleeps.length, 2, 'waited between tries');
    assert.deepEqual(world.foldersOf(id), [], 'no mail');
  });

  it('a recipient Outlook refuses fails at once, without retrying', async () => {
    const id = world.dueReminderIds()[0] as string;
    await world.dataverse.update(DEFAULT_TABLES.scheduledMessage.entitySet, id, { [c.email]: 'not an address' });
    const report = await sendDueReminders(world.deps(), { reminderIds: [id] });
    assert.equal(report.items[0]?.outcome, 'failed', JSON.stringify(report.items));
    assert.equal(await world.statusOf(id), 'failed');
    assert.match(String((await world.row(id))[c.lastError]), /ErrorInvalidRecipients/);
  });
});

describe('Sending at the mailbox’s pace', function () {
  this.timeout(60_000);
  const SCALE = 100;
  /** A mailbox allowed 5 submissions a minute, so the sender meets the limit within a few seconds. */
  const PER_MINUTE = 5;
  let world: SenderWorld;

  before(async () => {
    world = await SenderWorld.start({
      dueReminders: 12,
      services: {
        graph: (ctx) => createGraphService(ctx, { timeScale: SCALE, submissionsPerMinute: PER_MINUTE }),
      },
    });
  });
  after(async () => world?.stop());

  it('never submits more than perMinute a minute from one mailbox, as Exchange counts them', async () => {
    // The sender's minute runs as fast as the sandbox's Exchange minute.
    const start = Date.now();
    const scaled: Clock = {
      now: () => start + (Date.now() - start) * SCALE,
      sleep: (ms, signal) => systemClock.sleep(ms / SCALE, signal),
    };
    const due = world.dueReminderIds();
    assert.ok(due.length > 2 * PER_MINUTE, 'more due than two minutes’ submissions');
    const report = await sendDueReminders(world.deps({ clock: scaled, settings: { perMinute: PER_MINUTE } }));
    assert.equal(report.sent, due.length, JSON.stringify(report.items.filter((i) => i.outcome !== 'sent')));
    const services = world.sandbox.inspect().services as {
      graph: { mailboxes: Array<{ submissions: { total: number; overRate: number } }> };
    };
    const submissions = services.graph.mailboxes.map((m) => m.submissions);
    assert.equal(
      submissions.reduce((n, s) => n + s.total, 0),
      due.length,
    );
    assert.equal(
      submissions.reduce((n, s) => n + s.overRate, 0),
      0,
      'no submission over the rate',
    );
  });
});
