// `lc reminders send` on a profile whose mail channel is SendGrid (LC_MAIL_CHANNEL=sendgrid), against the
// sandbox's SendGrid at /v3 with the ready line's key and URL: every due e-mail reminder is handed to SendGrid
// once, carrying its reminder id, and recorded sent with SendGrid's message id; the Microsoft 365 mailbox
// sends nothing.
import { strict as assert } from 'node:assert';
import type { AcceptedMail } from '../../../src/sandbox/sendgrid/mailSend';
import { cliChannelWorld, M, messageRow, sandboxCall, statusOf } from '../sms/cliSmsWorld';
import { plannedIds, type SendDocument } from './sendingWorld';

describe('lc reminders send through SendGrid', function () {
  this.timeout(120_000);
  const world = cliChannelWorld({ seed: 'cli-sendgrid', clients: 6, dueReminders: 4, resetBeforeEach: false });

  it('hands each due e-mail reminder to SendGrid once and records it sent; Graph sends nothing', async () => {
    const env = { LC_MAIL_CHANNEL: 'sendgrid' };
    const plan = await world.lc(['--json', 'reminders', 'plan'], { env });
    assert.equal(plan.code, 0, plan.stderr + plan.stdout);
    const mail = (JSON.parse(plan.stdout) as { messages: Array<{ reminderId: string; channel: string }> }).messages
      .filter((m) => m.channel === 'sendgrid')
      .map((m) => m.reminderId.toLowerCase());
    assert.ok(mail.length >= 4, `the --due-reminders go by e-mail, through SendGrid (${mail.length})`);
    assert.equal((await plannedIds(world.sandbox)).length >= mail.length, true);

    const run = await world.lc(['--json', '--yes', 'reminders', 'send'], { env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    const outcomes = new Map(report.items.map((i) => [i.reminderId.toLowerCase(), i.outcome]));
    assert.deepEqual(
      mail.filter((id) => outcomes.get(id) !== 'sent'),
      [],
    );

    const inspected = (await sandboxCall(world.sandbox.info, 'GET', '/inspect')) as {
      services: {
        sendgrid: { messages: AcceptedMail[] };
        graph: { mailboxes: Array<{ sentItems: unknown[]; outbox: unknown[] }> };
      };
    };
    const perReminder = new Map<string, AcceptedMail[]>();
    for (const message of inspected.services.sendgrid.messages) {
      const id = message.customArgs.reminderId?.toLowerCase() ?? '';
      perReminder.set(id, [...(perReminder.get(id) ?? []), message]);
    }
    assert.deepEqual(
      mail.map((id) => perReminder.get(id)?.length ?? 0),
      mail.map(() => 1),
      'each once',
    );
    const graphSent = inspected.services.graph.mailboxes.reduce((n, m) => n + m.sentItems.length + m.outbox.length, 0);
    assert.equal(graphSent, 0, 'nothing left through the Microsoft 365 mailbox');
    const first = mail[0] as string;
    const row = await messageRow(world.rows, first);
    assert.equal(statusOf(row), 'sent');
    assert.equal(row[M.columns.graphMessageId], perReminder.get(first)?.[0]?.messageId);
  });
});
