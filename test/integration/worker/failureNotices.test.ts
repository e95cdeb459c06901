// Failures reach a person (issue 18, item 3): a reminder that lands in Failed, or a run that fails, mails the
// practitioner at their own mailbox through the same exactly-once sender, naming what failed and what to do,
// at most once per kind of failure per day however many runs meet it (the notice's row id is derived from
// the mailbox, the kind and the day).
import { strict as assert } from 'node:assert';
import { filters } from '../../../src/core/dataverse';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import { planDueReminders } from '../../../src/core/reminders';
import { runDueReminders } from '../../../src/core/worker';
import { SenderWorld } from '../reminders/senderWorld';

const c = DEFAULT_TABLES.scheduledMessage.columns;

describe('Failure notices of the unattended worker', function () {
  this.timeout(60_000);
  let world: SenderWorld;

  before(async () => {
    world = await SenderWorld.start({ seed: 'failure-notices', practitioners: 2, dueReminders: 6, timeScale: 100 });
  });
  after(async () => world?.stop());
  beforeEach(() => world.reset());

  /** Messages in this mailbox's Sent Items addressed to itself: the notices. */
  function noticesIn(mailbox: string): Array<{ subject: string }> {
    const box = world.mailboxes().find((m) => m.mail.toLowerCase() === mailbox.toLowerCase()) as unknown as {
      sentItems: Array<{ subject: string; to: string[] }>;
    };
    return box.sentItems.filter((m) => m.to.some((to) => to.toLowerCase() === mailbox.toLowerCase()));
  }

  /** The notice rows written for this mailbox (scheduled messages addressed to the practitioner). */
  async function noticeRows(mailbox: string): Promise<Array<Record<string, unknown>>> {
    return world.dataverse.list(DEFAULT_TABLES.scheduledMessage.entitySet, {
      select: [DEFAULT_TABLES.scheduledMessage.primaryId, c.subject, c.text, c.status],
      filter: filters.eq(c.email, mailbox),
    });
  }

  it('a reminder that lands in Failed mails its practitioner once that day, naming it and what to do', async () => {
    const now = new Date();
    const planned = await planDueReminders(world.deps(), { now });
    const other = planned.find((m) => m.mailbox.toLowerCase() !== world.profile.mailbox?.toLowerCase());
    assert.ok(other, 'a reminder of the second practitioner is due');
    const mailbox = other.mailbox;
    const first = planned.find((m) => m.mailbox === mailbox) as (typeof planned)[number];
    const set = DEFAULT_TABLES.scheduledMessage.entitySet;
    await world.dataverse.update(set, first.reminderId, { [c.email]: 'not an address' });

    const run = await runDueReminders(world.deps(), { now });
    assert.equal(run.report.failed, 1, JSON.stringify(run.report.items));
    await world.drained();
    const notices = noticesIn(mailbox);
    assert.equal(notices.length, 1, 'the practitioner got one notice in their own mailbox');
    assert.match(notices[0]?.subject ?? '', /reminder.*could not be sent/i);
    const [row] = await noticeRows(mailbox);
    const body = String(row?.[c.text]);
    assert.ok(body.includes(first.subject), `the notice names the reminder: ${body}`);
    assert.match(body, /ErrorInvalidRecipients|not an address/, 'and why it failed');
    assert.match(body, /Retry Reminder/, 'and what to do');

    // Retried with the address still wrong, it fails again the same day: no second notice.
    await world.dataverse.update(set, first.reminderId, { [c.status]: MESSAGE_STATUS.approved, [c.attempts]: 0 });
    const again = await runDueReminders(world.deps(), { now });
    assert.equal(again.report.failed, 1, JSON.stringify(again.report.items));
    await world.drained();
    assert.equal(noticesIn(mailbox).length, 1, 'still one notice that day');
    assert.equal((await noticeRows(mailbox)).length, 1);
  });

  it('a run that fails mails the practitioner once that day, and the notice leaves once the run can', async () => {
    const now = new Date();
    const mailbox = world.profile.mailbox as string;
    const listRoute = `^GET .*/${DEFAULT_TABLES.scheduledMessage.entitySet}$`;
    const failingRun = async (): Promise<void> => {
      world.sandbox.faults.add({ service: 'dataverse', kind: 'error500', rate: 1, route: listRoute });
      await assert.rejects(runDueReminders(world.deps(), { now }));
      world.sandbox.faults.clear();
    };
    await failingRun();
    const rows = await noticeRows(mailbox);
    assert.equal(rows.length, 1, 'the notice was written even though nothing could be sent');
    const body = String(rows[0]?.[c.text]);
    assert.match(body, /could not run/i);
    assert.match(body, /500/, 'names what failed');
    assert.match(body, /next run/i, 'and what happens and what to do');

    await failingRun(); // the same kind the same day
    const run = await runDueReminders(world.deps(), { now });
    assert.ok(run.report.sent + run.report.submitted > 0, 'the next run sends what was due');
    await world.drained();
    const notices = noticesIn(mailbox);
    assert.equal(notices.length, 1, 'one notice in the practitioner’s own mailbox');
    assert.match(notices[0]?.subject ?? '', /could not run/i);
    assert.equal((await noticeRows(mailbox)).length, 1);
  });
});
