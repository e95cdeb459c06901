// A sender that stops dead at any step, or whose answer from Graph is lost, leaves reminders that a
// rerun finishes without a second mail: it looks each message up by its recorded id (its folder decides)
// or, with no id recorded, by the reminder's extended property in Drafts, Outbox and Sent Items.
import { strict as assert } from 'node:assert';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { CRASH_POINTS, SenderCrashedError, sendDueReminders, type CrashPoint } from '../../../src/core/reminders';
import { createGraphService } from '../../../src/sandbox/graph';
import { SenderWorld } from './senderWorld';

const c = DEFAULT_TABLES.scheduledMessage.columns;

function crashOnceAt(point: CrashPoint): (at: CrashPoint) => void {
  let fired = false;
  return (at) => {
    if (at !== point || fired) return;
    fired = true;
    throw new Error(`killed at ${at}`);
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Recovering reminders a sender left behind', function () {
  this.timeout(90_000);

  describe('a crash at each step, then a rerun', () => {
    let world: SenderWorld;
    before(async () => {
      world = await SenderWorld.start({ dueReminders: 5, practitioners: 2, timeScale: 100 });
    });
    after(async () => world?.stop());
    beforeEach(() => world.reset());

    for (const point of CRASH_POINTS) {
      it(`a crash ${point} then a rerun leaves exactly one mail per reminder`, async () => {
        const due = world.dueReminderIds();
        await assert.rejects(
          sendDueReminders(world.deps({ crashAt: crashOnceAt(point) })),
          (error: unknown) => error instanceof SenderCrashedError && error.point === point,
        );
        // The crashed run's claims belong to this (live) process: the rerun treats them as expired. Other
        // reminders in flight stopped where they were, some between asking for /send and sending; this
        // sandbox moves a submitted message out of Drafts at once, so no grace is needed to tell them apart.
        const rerun = await sendDueReminders(world.deps({ settings: { claimLeaseMs: 0, submittedDraftGraceMs: 0 } }));
        assert.equal(rerun.failed + rerun.retryLater + rerun.skipped, 0, JSON.stringify(rerun.items));
        await world.drained();
        const copies = world.sentCopies();
        for (const id of due) {
          assert.equal(copies.get(id) ?? 0, 1, `reminder ${id} in Sent Items once`);
          assert.deepEqual(world.foldersOf(id), ['sentItems'], `reminder ${id} has no other message left over`);
          assert.equal(await world.statusOf(id), 'sent');
        }
        for (const [id, count] of copies) assert.equal(count, 1, `reminder ${id}: ${count} copies`);
        const logs = await world.dataverse.list(DEFAULT_TABLES.messageLog.entitySet, { select: ['cre92_name'] });
        assert.equal(logs.length, due.length, 'one message-log row a reminder');
      });
    }

    it('a reminder another live sender holds is left alone', async () => {
      const due = world.dueReminderIds();
      await assert.rejects(sendDueReminders(world.deps({ crashAt: crashOnceAt('afterClaim') })));
      // Same process, claim within its lease: it may still be working, so a second sender keeps off.
      const second = await sendDueReminders(world.deps());
      assert.ok(second.skipped >= 1, JSON.stringify(second.items));
      await world.drained();
      const copies = world.sentCopies();
      assert.ok(
        due.every((id) => (copies.get(id) ?? 0) <= 1),
        'nothing was sent twice',
      );
    });
  });

  describe('a submitted message that Exchange still shows in Drafts', () => {
    let world: SenderWorld;
    before(async () => {
      // Microsoft: after /send's 202 the message is saved in Drafts and moved on by transport later.
      world = await SenderWorld.start({
        dueReminders: 2,
        services: {
          graph: (ctx) =>
            createGraphService(ctx, { submittedDraftMs: 1_500, transportDelayMs: 2_000, transitGapMs: 200 }),
        },
      });
    });
    after(async () => world?.stop());
    beforeEach(() => world.reset());

    it('a crash after /send, then a rerun while the copy is still in Drafts, sends it once', async () => {
      const [target] = world.dueReminderIds();
      const id = target as string;
      const only = { reminderIds: [id] };
      await assert.rejects(sendDueReminders(world.deps({ crashAt: crashOnceAt('afterSend') }), only));
      assert.deepEqual(world.foldersOf(id), ['drafts'], 'submitted, and still shown in Drafts');
      const rerun = await sendDueReminders(world.deps({ settings: { claimLeaseMs: 0, lookAgainMs: 15_000 } }), only);
      assert.equal(rerun.items[0]?.outcome, 'sent', JSON.stringify(rerun.items));
      await world.drained();
      assert.equal(world.sendRequests(), 1, 'one /send');
      assert.equal(world.sentCopies().get(id), 1, 'one mail');
      assert.equal(await world.statusOf(id), 'sent');
    });

    it('a copy still in Drafts when the look-again bound ends is left for a later run, not sent again', async () => {
      const [target] = world.dueReminderIds();
      const id = target as string;
      const only = { reminderIds: [id] };
      await assert.rejects(sendDueReminders(world.deps({ crashAt: crashOnceAt('afterSend') }), only));
      const rerun = await sendDueReminders(world.deps({ settings: { claimLeaseMs: 0, lookAgainMs: 100 } }), only);
      assert.equal(rerun.items[0]?.outcome, 'retryLater', JSON.stringify(rerun.items));
      assert.match(String((await world.row(id))[c.lastError]), /still in the Drafts/);
      await world.drained();
      const later = await sendDueReminders(world.deps(), only);
      assert.equal(later.items[0]?.outcome, 'sent', JSON.stringify(later.items));
      assert.equal(world.sendRequests(), 1, 'never a second /send');
      assert.equal(world.sentCopies().get(id), 1);
    });
  });

  describe('Exchange’s transport seen from a rerun', () => {
    let world: SenderWorld;
    before(async () => {
      // Real Exchange pace: 2 s in the Outbox, then 3 s in transit where a read by id finds nothing.
      world = await SenderWorld.start({
        dueReminders: 2,
        services: { graph: (ctx) => createGraphService(ctx, { transportDelayMs: 2_000, transitGapMs: 3_000 }) },
      });
    });
    after(async () => world?.stop());
    beforeEach(() => world.reset());

    it('a message waiting in the Outbox is recorded once it reaches Sent Items, not sent again', async () => {
      const [target] = world.dueReminderIds();
      const only = { reminderIds: [target as string] };
      await assert.rejects(sendDueReminders(world.deps({ crashAt: crashOnceAt('afterSend') }), only));
      assert.deepEqual(world.foldersOf(target as string), ['outbox']);
      const rerun = await sendDueReminders(world.deps({ settings: { claimLeaseMs: 0, lookAgainMs: 15_000 } }), only);
      assert.equal(rerun.items[0]?.outcome, 'sent', JSON.stringify(rerun.items));
      assert.deepEqual(world.foldersOf(target as string), ['sentItems']);
      assert.equal(world.sendRequests(), 1, 'one /send');
      assert.equal(await world.statusOf(target as string), 'sent');
    });

    it('a message in transit (not found by its id) is never sent again; a later run records it', async () => {
      const [target] = world.dueReminderIds();
      const id = target as string;
      const only = { reminderIds: [id] };
      await assert.rejects(sendDueReminders(world.deps({ crashAt: crashOnceAt('afterSend') }), only));
      await waitFor(() => world.foldersOf(id).includes('inTransit'), 'the message is in transit');
      const rerun = await sendDueReminders(world.deps({ settings: { claimLeaseMs: 0, lookAgainMs: 200 } }), only);
      assert.equal(rerun.items[0]?.outcome, 'retryLater', JSON.stringify(rerun.items));
      assert.equal(world.sendRequests(), 1, 'not sent again on a not-found');
      const row = await world.row(id);
      assert.equal(await world.statusOf(id), 'sending');
      assert.equal(row[c.sendClaim], null, 'let go, for the next run');
      assert.match(String(row[c.lastError]), /in no folder/);
      await world.drained();
      const later = await sendDueReminders(world.deps(), only);
      assert.equal(later.items[0]?.outcome, 'sent');
      assert.equal(world.sentCopies().get(id), 1);
      assert.equal(world.sendRequests(), 1);
    });

    it('a /send whose answer is lost is looked up, not sent a second time', async () => {
      const [target] = world.dueReminderIds();
      const id = target as string;
      const attemptsBefore = Number((await world.row(id))[c.attempts] ?? 0);
      world.sandbox.faults.add({
        service: 'graph',
        kind: 'lostAnswer',
        rate: 1,
        limit: 1,
        route: '^POST /v1\\.0/users/[^/]+/messages/[^/]+/send$',
      });
      const report = await sendDueReminders(world.deps({ settings: { lookAgainMs: 15_000 } }), { reminderIds: [id] });
      assert.equal(report.items[0]?.outcome, 'sent', JSON.stringify(report.items));
      assert.equal(world.sandbox.faults.list()[0]?.hits, 1, 'the answer was lost');
      await world.drained();
      assert.equal(world.sentCopies().get(id), 1);
      assert.equal(world.sendRequests(), 1);
      const row = await world.row(id);
      assert.equal(row[c.attempts], attemptsBefore + 1, 'the lost answer counts as a try');
    });

    it('a draft creation whose answer is lost does not make a second draft', async () => {
      const [target] = world.dueReminderIds();
      const id = target as string;
      world.sandbox.faults.add({
        service: 'graph',
        kind: 'lostAnswer',
        rate: 1,
        limit: 1,
        route: '^POST /v1\\.0/users/[^/]+/messages$',
      });
      const report = await sendDueReminders(world.deps(), { reminderIds: [id] });
      assert.equal(report.items[0]?.outcome, 'sent', JSON.stringify(report.items));
      await world.drained();
      assert.deepEqual(world.foldersOf(id), ['sentItems'], 'one message, sent; no draft left over');
    });
  });
});
