// Which channel a client's messages go by: the client's preferred channel when reminders are written (e-mail
// when none, or when it is one nothing sends), with the client's phone on the row; and a practitioner's
// per-reminder change of channel, rendered again for the new medium and written only if nobody changed the
// row since it was read (the sender's claim included).
import { strict as assert } from 'node:assert';
import { ConflictError, ValidationError } from '../../../src/core/errors';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_STATUS } from '../../../src/core/practice';
import {
  markReminderSent,
  sendReminderAgain,
  setReminderChannel,
  type ReminderChannelDeps,
} from '../../../src/core/reminders';
import { clockReading } from '../../builders/fakeClock';
import { failure } from '../../builders/failure';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aContact, actionDeps, aSessionWithReminders, NOW } from '../../builders/sessionActionDeps';

const MESSAGES = DEFAULT_TABLES.scheduledMessage.entitySet;
const M = DEFAULT_TABLES.scheduledMessage.columns;
const PHONE = '+447700900123';

function sessionWithReminders(dv: MemoryDataverse, contact = aContact().withPhone(PHONE)) {
  return aSessionWithReminders(dv, contact);
}

function channelDeps(dv: MemoryDataverse): ReminderChannelDeps {
  const deps = actionDeps(dv);
  return {
    dataverse: dv,
    tables: deps.tables,
    log: deps.log,
    templates: deps.templates,
    practitioner: deps.practitioner,
  };
}

describe('the channel of a client’s reminders', () => {
  let dv: MemoryDataverse;
  beforeEach(() => {
    dv = new MemoryDataverse();
  });

  it('writes SMS reminders, plain text without a subject, for a client who prefers SMS, with the phone on the row', async () => {
    await sessionWithReminders(dv, aContact().withPhone(PHONE).preferring('sms'));
    const rows = dv.rows(MESSAGES);
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.equal(row[M.channel], MESSAGE_CHANNEL.sms);
      assert.equal(row[M.phone], PHONE);
      assert.equal(row[M.subject], '');
      assert.doesNotMatch(String(row[M.text]), /<p>|<br/);
      assert.match(String(row[M.text]), /Alex/);
    }
  });

  it('writes e-mail reminders when the client names no channel, and still copies the phone', async () => {
    await sessionWithReminders(dv);
    for (const row of dv.rows(MESSAGES)) {
      assert.equal(row[M.channel], MESSAGE_CHANNEL.email);
      assert.equal(row[M.phone], PHONE);
      assert.match(String(row[M.text]), /<p>/);
    }
  });

  it('writes e-mail for a client who prefers a channel nothing sends (Telegram)', async () => {
    await sessionWithReminders(dv, aContact().withPhone(PHONE).preferring('telegram'));
    for (const row of dv.rows(MESSAGES)) assert.equal(row[M.channel], MESSAGE_CHANNEL.email);
  });

  it('writes SMS reminders for a client who prefers SMS and has no e-mail address', async () => {
    await sessionWithReminders(dv, aContact().withPhone(PHONE).preferring('sms').withoutEmail());
    assert.equal(dv.rows(MESSAGES).length, 2);
  });

  describe('Change Channel', () => {
    it('renders a draft again for SMS, then back for e-mail', async () => {
      const created = await sessionWithReminders(dv);
      const id = created.reminders[0]?.id as string;
      const emailSubject = dv.row(MESSAGES, id)?.[M.subject];
      const toSms = await setReminderChannel(channelDeps(dv), id, 'sms');
      assert.equal(toSms.changed, true);
      assert.equal(toSms.reminder.channel, 'sms');
      let row = dv.row(MESSAGES, id) ?? {};
      assert.equal(row[M.channel], MESSAGE_CHANNEL.sms);
      assert.equal(row[M.subject], '');
      assert.equal(row[M.phone], PHONE);
      assert.doesNotMatch(String(row[M.text]), /<p>/);
      const write = dv.writes.at(-1);
      assert.match(String(write?.ifMatch), /^W\/"/, 'written under the ETag it was read with');

      await setReminderChannel(channelDeps(dv), id, 'email');
      row = dv.row(MESSAGES, id) ?? {};
      assert.equal(row[M.channel], MESSAGE_CHANNEL.email);
      assert.equal(row[M.subject], emailSubject);
      assert.match(String(row[M.text]), /<p>/);
    });

    it('asking for the channel it already has changes nothing', async () => {
      const created = await sessionWithReminders(dv);
      const writes = dv.writes.length;
      const result = await setReminderChannel(channelDeps(dv), created.reminders[0]?.id as string, 'email');
      assert.equal(result.changed, false);
      assert.equal(dv.writes.length, writes);
    });

    it('refuses a reminder that is being sent or was sent, saying what it is', async () => {
      const created = await sessionWithReminders(dv);
      const id = created.reminders[0]?.id as string;
      for (const status of ['sending', 'sent', 'needsCheck'] as const) {
        await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS[status] });
        const error = await failure(setReminderChannel(channelDeps(dv), id, 'sms'));
        assert.ok(error instanceof ConflictError, status);
        assert.match(error.message, /cannot be moved to another channel/);
      }
    });

    it('a sender claiming the reminder between the read and the write wins; nothing is overwritten', async () => {
      const created = await sessionWithReminders(dv);
      const id = created.reminders[0]?.id as string;
      await dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.approved });
      dv.beforeWrite = () =>
        dv.update(MESSAGES, id, { [M.status]: MESSAGE_STATUS.sending }, { ifMatch: dv.etag(MESSAGES, id) });
      const error = await failure(setReminderChannel(channelDeps(dv), id, 'sms'));
      assert.ok(error instanceof ConflictError);
      assert.match(error.message, /being sent/);
      assert.equal(dv.row(MESSAGES, id)?.[M.channel], MESSAGE_CHANNEL.email);
    });

    it('refuses SMS for a client without a phone number, saying what to add', async () => {
      const created = await sessionWithReminders(dv, aContact());
      const error = await failure(setReminderChannel(channelDeps(dv), created.reminders[0]?.id as string, 'sms'));
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, /no phone number/);
    });
  });

  describe('a reminder that waits for a check', () => {
    async function waitingForCheck() {
      const created = await sessionWithReminders(dv, aContact().withPhone(PHONE).preferring('sms'));
      const id = created.reminders[0]?.id as string;
      await dv.update(MESSAGES, id, {
        [M.status]: MESSAGE_STATUS.needsCheck,
        [M.firstAttempt]: '2026-01-05T08:00:00.000Z',
        [M.lastError]: 'SMS (Azure Communication Services) was given this message … Check whether Alex Morgan got it',
        [M.attempts]: 1,
      });
      return id;
    }

    it('Mark as Sent records it sent, with the time, and clears the reason', async () => {
      const id = await waitingForCheck();
      const result = await markReminderSent({ ...channelDeps(dv), clock: clockReading(() => NOW) }, id);
      assert.equal(result.reminder.status, 'sent');
      const row = dv.row(MESSAGES, id) ?? {};
      assert.equal(row[M.sent], true);
      assert.equal(row[M.sentTime], new Date(NOW).toISOString());
      assert.equal(row[M.lastError], null);
    });

    it('Send Again makes it a new message for the sender: approved, no first attempt, id or report kept', async () => {
      const id = await waitingForCheck();
      await dv.update(MESSAGES, id, { [M.graphMessageId]: 'acs-1', [M.deliveryStatus]: 'Failed' });
      const result = await sendReminderAgain(channelDeps(dv), id);
      assert.equal(result.reminder.status, 'approved');
      const row = dv.row(MESSAGES, id) ?? {};
      assert.equal(row[M.firstAttempt], null);
      assert.equal(row[M.graphMessageId], null);
      assert.equal(row[M.deliveryStatus], null);
      assert.equal(row[M.attempts], 0);
    });

    it('neither acts on a reminder that does not wait for a check', async () => {
      const created = await sessionWithReminders(dv);
      const id = created.reminders[0]?.id as string;
      assert.ok((await failure(sendReminderAgain(channelDeps(dv), id))) instanceof ConflictError);
      const clock = clockReading(() => NOW);
      assert.ok((await failure(markReminderSent({ ...channelDeps(dv), clock }, id))) instanceof ConflictError);
    });
  });
});
