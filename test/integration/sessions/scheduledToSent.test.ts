// A reminder scheduled by New Session, approved and sent by the sender, arrives as the template wrote it:
// an HTML body, not its markup shown as text. Real Graph SDK and Dataverse client against the sandbox.
import { strict as assert } from 'node:assert';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { approveReminder, defaultTemplates, reminderRowId, sendDueReminders } from '../../../src/core/reminders';
import { createSession, type SessionActionDeps } from '../../../src/core/booking';
import { silentLogger } from '../../../src/core/log';
import { quickClock, SenderWorld } from '../reminders/senderWorld';

const T = DEFAULT_TABLES.scheduledMessage;

describe('a reminder from New Session to Sent Items', function () {
  this.timeout(60_000);
  let world: SenderWorld;

  before(async () => {
    world = await SenderWorld.start({ seed: 'scheduled-to-sent', clients: 8, timeScale: 100 });
  });
  after(async () => {
    await world?.stop();
  });

  it('sends the rendered reminder with an HTML body', async () => {
    const deps: SessionActionDeps = {
      dataverse: world.dataverse,
      tables: DEFAULT_TABLES,
      clock: quickClock,
      log: silentLogger,
      templates: defaultTemplates(),
      practitioner: { name: 'Dr. Morgan', timeZone: 'Europe/London', language: 'en' },
      profile: { name: world.profile.name, mailbox: world.profile.mailbox, autoSend: false },
      settings: { leadTimesMinutes: [120], followUpDelayMinutes: 0 },
    };
    const [contact] = await world.dataverse.list(DEFAULT_TABLES.client.entitySet, {
      select: [DEFAULT_TABLES.client.primaryId],
      filter: `${DEFAULT_TABLES.client.columns.email} ne null`,
      top: 1,
    });
    const start = new Date(Math.ceil((Date.now() + 3 * 3_600_000) / 60_000) * 60_000);
    const created = await createSession(deps, {
      clientId: String(contact?.[DEFAULT_TABLES.client.primaryId]),
      start,
      durationMinutes: 50,
    });
    const id = reminderRowId(created.session.id, 120);
    await approveReminder(deps, id);
    const report = await sendDueReminders(world.deps(), { reminderIds: [id] });
    assert.equal(report.sent + report.submitted, 1, JSON.stringify(report.items));
    await world.drained();
    const { row } = await world.dataverse.get(T.entitySet, id, { select: [T.columns.graphMessageId] });
    const messageId = String(row[T.columns.graphMessageId]);
    const message = (await world.clients.graph
      .api(`/users/${encodeURIComponent(world.profile.mailbox ?? '')}/messages/${encodeURIComponent(messageId)}`)
      .header('Prefer', 'IdType="ImmutableId"')
      .select('body')
      .get()) as { body: { contentType: string; content: string } };
    assert.equal(message.body.contentType.toLowerCase(), 'html');
    assert.match(message.body.content, /^<p>[^<]+,<\/p>/);
  });
});
