// The reminder sender against the sandbox's Exchange (drafts, /send, Outbox, transit, Sent Items) and
// Dataverse, through the real Graph SDK and Dataverse client: each due reminder leaves exactly once, as
// the client would see it in the practitioner's Sent Items.
import { strict as assert } from 'node:assert';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import { sendDueReminders, planDueReminders } from '../../../src/core/reminders';
import { SenderWorld } from './senderWorld';

const c = DEFAULT_TABLES.scheduledMessage.columns;

describe('Sending due reminders through Graph', function () {
  this.timeout(60_000);
  let world: SenderWorld;

  before(async () => {
    world = await SenderWorld.start({ dueReminders: 6, practitioners: 2, timeScale: 100 });
  });
  after(async () => world?.stop());
  beforeEach(() => world.reset());

  function assertEachSentOnce(ids: string[]): void {
    const copies = world.sentCopies();
    for (const id of ids) assert.equal(copies.get(id) ?? 0, 1, `reminder ${id} is in Sent Items once`);
    for (const [id, count] of copies) assert.equal(count, 1, `reminder ${id} has ${count} copies in Sent Items`);
  }

  it('sends every due reminder once from its owner’s mailbox and records it sent, logged and audited', async () => {
    const due = world.dueReminderIds();
    assert.ok(due.length >= 6, 'the sandbox has due reminders');
    const report = await sendDueReminders(world.deps());
    assert.equal(report.total, due.length);
    assert.equal(report.sent, due.length, JSON.stringify(report.items.filter((i) => i.outcome !== 'sent')));
    await world.drained();
    assertEachSentOnce(due);
    const mailboxesUsed = world.mailboxes().filter((m) => m.sentItems.length > 0);
    assert.equal(mailboxesUsed.length, 2, 'both practitioners’ mailboxes sent their own reminders');
    for (const id of due) {
      const row = await world.row(id);
      assert.equal(await world.statusOf(id), 'sent');
      assert.equal(typeof row[c.graphMessageId], 'string');
      assert.equal(row[c.sendClaim], null, 'the claim is let go');
    }
    const logs = await world.dataverse.list(DEFAULT_TABLES.messageLog.entitySet, {
      select: [DEFAULT_TABLES.messageLog.columns.graphMessageId],
    });
    assert.equal(logs.length, due.length, 'one message-log row a send');
    const sends = world.audit.filter((e) => e.action === 'mail.send' && e.outcome === 'succeeded');
    assert.equal(sends.length, due.length, 'one audit line a send');
  });

  it('two senders started at once send each reminder once', async () => {
    const due = world.dueReminderIds();
    const [first, second] = await Promise.all([sendDueReminders(world.deps()), sendDueReminders(world.deps())]);
    assert.equal(first.sent + second.sent, due.length, 'between them every reminder was sent');
    await world.drained();
    assertEachSentOnce(due);
    assert.equal(world.sendRequests(), due.length, 'one /send a reminder');
  });

  it('the dry run lists the messages that would leave and sends nothing', async () => {
    const due = world.dueReminderIds();
    const planned = await planDueReminders(world.deps());
    assert.deepEqual(planned.map((p) => p.reminderId).sort(), [...due].sort());
    assert.ok(planned.every((p) => p.recipient.includes('@') && p.mailbox.includes('@') && p.body.length > 0));
    assert.equal(
      world.mailboxes().reduce((n, m) => n + m.drafts.length + m.outbox.length, 0),
      0,
    );
  });

  it('send-to-me mode sends to the practitioner’s own mailbox, the subject naming the client', async () => {
    const deps = world.deps({ profile: { ...world.profile, sendToSelf: true } });
    const planned = await planDueReminders(deps);
    const report = await sendDueReminders(deps);
    assert.equal(report.sent, planned.length);
    for (const item of report.items) {
      assert.equal(item.recipient, world.profile.mailbox);
      const plannedItem = planned.find((p) => p.reminderId === item.reminderId);
      assert.ok(plannedItem?.clientEmail && item.subject.includes(plannedItem.clientEmail), item.subject);
    }
  });

  it('leaves a due reminder that is not approved (a draft) unsent in every folder, and still a draft', async () => {
    const due = world.dueReminderIds();
    const target = due[0] as string;
    // The practitioner takes the approval back (or it was never given): the row is due, but a draft.
    await world.dataverse.update(
      DEFAULT_TABLES.scheduledMessage.entitySet,
      target,
      { [c.status]: MESSAGE_STATUS.draft },
      { ifMatch: '*' },
    );
    const before = await world.row(target);
    const report = await sendDueReminders(world.deps());
    assert.equal(report.sent, due.length - 1, 'every approved due reminder was sent');
    assert.ok(!report.items.some((i) => i.reminderId === target && i.outcome === 'sent'), 'the draft was not sent');
    await world.drained();
    assert.deepEqual(world.foldersOf(target), [], 'no message for it in any folder of any mailbox');
    const messages = world
      .mailboxes()
      .reduce((n, m) => n + m.drafts.length + m.outbox.length + m.inTransit.length + m.sentItems.length, 0);
    assert.equal(messages, due.length - 1, 'one message for each approved reminder, none more');
    assert.equal(await world.statusOf(target), 'draft');
    const after = await world.row(target);
    assert.deepEqual(
      [after[c.attempts], after[c.graphMessageId], after[c.sendClaim]],
      [before[c.attempts], before[c.graphMessageId], before[c.sendClaim]],
      'no attempt, message id or claim was recorded',
    );
  });

  it('skips a reminder someone edited between reading it and claiming it, and sends it not', async () => {
    const due = world.dueReminderIds();
    const target = due[0] as string;
    // Another actor cancels the reminder right after the sender has read the due rows.
    const dataverse = world.dataverse;
    const intercepted = new Proxy(dataverse, {
      get(client, name, receiver) {
        if (name !== 'query') return Reflect.get(client, name, receiver) as unknown;
        return async function* (...args: Parameters<typeof dataverse.query>) {
          const rows = [];
          for await (const row of dataverse.query(...args)) rows.push(row);
          if (args[0] === DEFAULT_TABLES.scheduledMessage.entitySet) {
            await dataverse.update(args[0], target, { [c.status]: 100000005 }, { ifMatch: '*' });
          }
          yield* rows;
        };
      },
    });
    const report = await sendDueReminders(world.deps({ dataverse: intercepted }));
    const item = report.items.find((i) => i.reminderId === target);
    assert.equal(item?.outcome, 'skipped');
    assert.equal(report.sent, due.length - 1);
    await world.drained();
    assert.deepEqual(world.foldersOf(target), [], 'no message was made for it');
    assert.equal(await world.statusOf(target), 'cancelled');
  });
});
