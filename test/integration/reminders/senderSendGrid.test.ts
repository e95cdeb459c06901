// Due reminders leaving through SendGrid (profile mailChannel 'sendgrid') against the sandbox's SendGrid, with
// the real Dataverse client and the sender as the CLI runs it: one mail per reminder, each carrying its own
// stable Message-ID, and an answer lost after SendGrid accepted a message leaves that reminder in Needs a
// Check, never sent a second time by a later run.
import { strict as assert } from 'node:assert';
import { createSendGridChannel, type TransportChannel } from '../../../src/core/channels';
import { silentLogger } from '../../../src/core/log';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { sendDueReminders } from '../../../src/core/reminders';
import type { AcceptedMail } from '../../../src/sandbox/sendgrid';
import { quickClock, SenderWorld } from './senderWorld';

describe('sending due reminders through SendGrid', function () {
  this.timeout(60_000);
  let world: SenderWorld;
  let sendgrid: TransportChannel;

  before(async () => {
    world = await SenderWorld.start({ dueReminders: 6, practitioners: 2 });
    sendgrid = createSendGridChannel({
      http: world.clients.http,
      apiKey: world.sandbox.info.sendgridApiKey,
      baseUrl: world.profile.sendgridUrl,
      clock: quickClock,
      log: silentLogger,
      profileKind: world.profile.kind,
    });
  });
  after(async () => {
    await world.stop();
  });
  beforeEach(() => world.reset());

  const run = () =>
    sendDueReminders(world.deps({ profile: { ...world.profile, mailChannel: 'sendgrid' }, transports: { sendgrid } }));
  const accepted = (): AcceptedMail[] =>
    (world.sandbox.inspect().services as { sendgrid: { messages: AcceptedMail[] } }).sendgrid.messages;
  const perReminder = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const mail of accepted()) {
      const id = mail.customArgs.reminderId ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };

  it('hands each due reminder to SendGrid once and records its X-Message-Id; Graph sends nothing', async () => {
    const due = world.dueReminderIds();
    assert.ok(due.length >= 6, `only ${due.length} due`);
    const report = await run();
    assert.equal(report.sent, due.length, JSON.stringify(report.items.filter((i) => i.outcome !== 'sent')));
    assert.deepEqual([...perReminder().keys()].sort(), [...due].sort());
    assert.ok([...perReminder().values()].every((n) => n === 1));
    assert.equal(world.sendRequests(), 0);
    const ids = new Set(accepted().map((m) => m.headers['Message-ID']));
    assert.equal(ids.size, due.length, 'each reminder has a Message-ID of its own');
    const first = accepted()[0];
    const row = await world.row(first?.customArgs.reminderId ?? '');
    assert.equal(row[DEFAULT_TABLES.scheduledMessage.columns.graphMessageId], first?.messageId);
    assert.equal(await world.statusOf(first?.customArgs.reminderId ?? ''), 'sent');
  });

  it('leaves a reminder whose answer was lost after SendGrid accepted it in Needs a Check, and a rerun does not send it again', async () => {
    const due = world.dueReminderIds();
    world.sandbox.faults.add({ service: 'sendgrid', kind: 'lostAnswer', rate: 1, limit: 1 });
    const report = await run();
    const lost = accepted()[0]?.customArgs.reminderId ?? '';
    assert.equal(
      await world.statusOf(lost),
      'needsCheck',
      JSON.stringify(report.items.find((i) => i.reminderId === lost)),
    );
    assert.equal(report.sent, due.length - 1);

    const rerun = await run();
    assert.equal(rerun.sent, 0);
    assert.equal(accepted().length, due.length, 'a message went to SendGrid twice');
    assert.ok([...perReminder().values()].every((n) => n === 1));
    assert.equal(await world.statusOf(lost), 'needsCheck');
  });
});
