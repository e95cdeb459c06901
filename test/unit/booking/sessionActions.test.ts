// Reschedule, Cancel, Mark Attended and Mark No-show over the session's messages: what nobody has started
// sending moves or is cancelled, what the sender took or sent stays as it was, a follow-up is drafted once
// however often (or from however many windows) the session is marked, and a broken template saves nothing.
import { strict as assert } from 'node:assert';
import {
  APPOINTMENT_STATE,
  DEFAULT_TABLES,
  MESSAGE_KIND,
  MESSAGE_STATUS,
  PAYMENT_STATUS,
  SESSION_OUTCOME,
} from '../../../src/core/practice';
import { followUpRowId, reminderRowId, templatesWith, type ReminderStatus } from '../../../src/core/reminders';
import {
  cancelSession,
  createSession,
  markAttended,
  markNoShow,
  rescheduleSession,
  type SessionActionDeps,
} from '../../../src/core/booking';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aContact, actionDeps, NOW, seedContact } from '../../builders/sessionActionDeps';
import { failure } from '../../builders/failure';

const S = DEFAULT_TABLES.session;
const T = DEFAULT_TABLES.scheduledMessage;
const M = T.columns;
const HOUR = 3_600_000;

describe('acting on a session', () => {
  let dv: MemoryDataverse;
  let deps: SessionActionDeps;
  beforeEach(() => {
    dv = new MemoryDataverse();
    deps = actionDeps(dv);
  });

  async function aBookedSession(startInHours = 48, contact = aContact().build()): Promise<string> {
    const clientId = seedContact(dv, contact);
    const created = await createSession(deps, {
      clientId,
      start: new Date(NOW + startInHours * HOUR),
      durationMinutes: 50,
      feeCents: 9000,
    });
    return created.session.id;
  }

  const messages = (sessionId: string) => dv.rows(T.entitySet).filter((r) => r[`_${M.session}_value`] === sessionId);
  const message = (id: string) => dv.row(T.entitySet, id);
  const setStatus = (id: string, status: ReminderStatus) =>
    dv.update(T.entitySet, id, { [M.status]: MESSAGE_STATUS[status] }, {});

  describe('marking attended', () => {
    it('drafts one follow-up, due the configured delay after the end, however often it is marked', async () => {
      const id = await aBookedSession();
      const first = await markAttended(deps, id);
      const second = await markAttended(deps, id);
      assert.equal(first.followUpCreated, true);
      assert.equal(second.followUpCreated, false);
      const followUps = messages(id).filter((r) => r[M.kind] === MESSAGE_KIND.followUp);
      assert.equal(followUps.length, 1);
      assert.equal(followUps[0]?.[M.status], MESSAGE_STATUS.draft);
      assert.equal(
        followUps[0]?.[M.scheduledTime],
        new Date(NOW + 48 * HOUR + 50 * 60_000 + 60 * 60_000).toISOString(),
      );
      const row = dv.row(S.entitySet, id);
      assert.equal(row?.[S.columns.state], APPOINTMENT_STATE.completed);
      assert.equal(row?.[S.columns.outcome], SESSION_OUTCOME.attended);
      assert.equal(row?.[S.columns.paymentStatus], PAYMENT_STATUS.unpaid, 'Needs Attention lists it until paid');
    });

    it('drafts one follow-up when two windows mark the session at once', async () => {
      const id = await aBookedSession();
      const [a, b] = await Promise.all([markAttended(deps, id), markAttended(deps, id)]);
      assert.equal(a.session.status, 'attended');
      assert.equal(b.session.status, 'attended');
      assert.equal(messages(id).filter((r) => r[M.kind] === MESSAGE_KIND.followUp).length, 1);
    });

    it('cancels the reminders nobody sent and leaves the sent one as it was', async () => {
      const id = await aBookedSession();
      await setStatus(reminderRowId(id, 1440), 'sent');
      const marked = await markAttended(deps, id);
      assert.equal(message(reminderRowId(id, 1440))?.[M.status], MESSAGE_STATUS.sent);
      assert.equal(message(reminderRowId(id, 120))?.[M.status], MESSAGE_STATUS.cancelled);
      assert.deepEqual(
        marked.cancelled.map((r) => r.id),
        [reminderRowId(id, 120)],
      );
    });

    it('refuses a canceled session', async () => {
      const id = await aBookedSession();
      await cancelSession(deps, id);
      assert.equal((await failure(markAttended(deps, id))).code, 'sessions.notAllowed');
    });

    it('saves nothing when the follow-up template names a variable the message does not have', async () => {
      const id = await aBookedSession();
      const templates = templatesWith({
        'followUp.liquid': '{% capture subject %}Thanks{% endcapture %}<p>{{ session.notes }}</p>',
      });
      const before = dv.writes.length;
      const error = await failure(markAttended({ ...deps, templates }, id));
      assert.equal(error.code, 'template.missingVariable');
      assert.equal(dv.writes.length, before);
      assert.equal(dv.row(S.entitySet, id)?.[S.columns.outcome], undefined);
    });
  });

  describe('marking a no-show', () => {
    it('records the outcome and cancels what is pending, a follow-up drafted by mistake included', async () => {
      const id = await aBookedSession();
      await markAttended(deps, id);
      const marked = await markNoShow(deps, id);
      assert.equal(marked.session.status, 'noShow');
      assert.equal(dv.row(S.entitySet, id)?.[S.columns.outcome], SESSION_OUTCOME.noShow);
      assert.equal(message(followUpRowId(id))?.[M.status], MESSAGE_STATUS.cancelled);
    });
  });

  describe('rescheduling', () => {
    it('moves pending reminders to the new time, keeping their approval, and re-renders them', async () => {
      const id = await aBookedSession(48);
      await setStatus(reminderRowId(id, 1440), 'approved');
      const start = new Date(NOW + 96 * HOUR);
      const result = await rescheduleSession(deps, id, { start });
      assert.equal(result.session.start.getTime(), start.getTime());
      assert.equal(result.moved.length, 2);
      const day = message(reminderRowId(id, 1440));
      assert.equal(day?.[M.scheduledTime], new Date(start.getTime() - 1440 * 60_000).toISOString());
      assert.equal(day?.[M.status], MESSAGE_STATUS.approved);
      assert.match(String(day?.[M.subject]), /Friday, 9 January 2026|Friday, January 9, 2026/);
      assert.equal(messages(id).length, 2, 'moved, not duplicated');
    });

    it('leaves a sent reminder alone: its time and text stay as they were sent', async () => {
      const id = await aBookedSession(48);
      await setStatus(reminderRowId(id, 1440), 'sent');
      const sent = { ...message(reminderRowId(id, 1440)) };
      const result = await rescheduleSession(deps, id, { start: new Date(NOW + 96 * HOUR) });
      assert.deepEqual(message(reminderRowId(id, 1440)), sent);
      assert.equal(result.moved.length, 1);
    });

    it('leaves a reminder the sender claims while it is being moved, and reports it', async () => {
      const id = await aBookedSession(48);
      const claimed = reminderRowId(id, 1440);
      await setStatus(claimed, 'approved');
      const original = message(claimed)?.[M.scheduledTime];
      let sessionWritten = false;
      const racing = Object.assign(Object.create(dv) as MemoryDataverse, {
        update: async (set: string, rowId: string, body: Record<string, unknown>, options: { ifMatch?: string }) => {
          if (set === T.entitySet && rowId === claimed && sessionWritten) {
            await dv.update(
              T.entitySet,
              claimed,
              { [M.status]: MESSAGE_STATUS.sending },
              { ifMatch: dv.etag(set, rowId) },
            );
          }
          if (set === S.entitySet) sessionWritten = true;
          return dv.update(set, rowId, body, options);
        },
      });
      const result = await rescheduleSession({ ...deps, dataverse: racing }, id, { start: new Date(NOW + 96 * HOUR) });
      assert.deepEqual(
        result.leftAlone.map((r) => r.id),
        [claimed],
      );
      assert.equal(message(claimed)?.[M.status], MESSAGE_STATUS.sending);
      assert.equal(message(claimed)?.[M.scheduledTime], original, 'the claimed reminder was not overwritten');
    });

    it('cancels a pending reminder whose new moment has passed, and adds one for a lead time now ahead', async () => {
      const id = await aBookedSession(3); // 3 h ahead: only the 2 h reminder exists
      assert.equal(messages(id).length, 1);
      const later = await rescheduleSession(deps, id, { start: new Date(NOW + 48 * HOUR) });
      assert.equal(later.added.length, 1);
      assert.equal(messages(id).length, 2);
      const sooner = await rescheduleSession(deps, id, { start: new Date(NOW + 90 * 60_000) });
      assert.deepEqual(
        sooner.cancelled.map((r) => r.id).sort(),
        [reminderRowId(id, 1440), reminderRowId(id, 120)].sort(),
      );
    });

    it('saves nothing when a template names a variable the message does not have', async () => {
      const id = await aBookedSession(48);
      const templates = templatesWith({
        'reminder.liquid': '{% capture subject %}Hi{% endcapture %}<p>{{ client.phone }}</p>',
      });
      const before = dv.writes.length;
      const error = await failure(rescheduleSession({ ...deps, templates }, id, { start: new Date(NOW + 96 * HOUR) }));
      assert.equal(error.code, 'template.missingVariable');
      assert.equal(dv.writes.length, before);
    });

    it('refuses a session that has taken place', async () => {
      const id = await aBookedSession(48);
      await markNoShow(deps, id);
      assert.equal(
        (await failure(rescheduleSession(deps, id, { start: new Date(NOW + 96 * HOUR) }))).code,
        'sessions.notAllowed',
      );
    });
  });

  describe('canceling', () => {
    it('cancels pending reminders, leaves sent ones, and leaves the client a notice due now, once', async () => {
      const id = await aBookedSession(48);
      await setStatus(reminderRowId(id, 1440), 'sent');
      const first = await cancelSession(deps, id, { notifyClient: true });
      await cancelSession(deps, id, { notifyClient: true });
      assert.equal(dv.row(S.entitySet, id)?.[S.columns.state], APPOINTMENT_STATE.canceled);
      assert.equal(message(reminderRowId(id, 1440))?.[M.status], MESSAGE_STATUS.sent);
      assert.equal(message(reminderRowId(id, 120))?.[M.status], MESSAGE_STATUS.cancelled);
      const notices = messages(id).filter((r) => r[M.kind] === MESSAGE_KIND.followUp);
      assert.equal(notices.length, 1);
      assert.equal(notices[0]?.[M.status], MESSAGE_STATUS.draft, 'approved only when the caller says so');
      assert.equal(notices[0]?.[M.scheduledTime], new Date(NOW).toISOString());
      assert.match(String(first.notice?.subject), /^Cancelled: your session/);
    });

    it('approves the notice when the caller says so, in the client’s language', async () => {
      const id = await aBookedSession(48, aContact().speaking('de').in('Europe/Berlin').build());
      const { notice } = await cancelSession(deps, id, { notifyClient: true, approveNotice: true });
      assert.equal(notice?.status, 'approved');
      assert.match(String(notice?.subject), /^Abgesagt: Ihr Termin am Mittwoch, 7\. Januar 2026 um 10:00$/);
    });

    it('refuses to notify a client without an e-mail address before anything is saved', async () => {
      const id = await aBookedSession(48, aContact().withoutEmail().build());
      const before = dv.writes.length;
      assert.equal((await failure(cancelSession(deps, id, { notifyClient: true }))).code, 'sessions.noClientEmail');
      assert.equal(dv.writes.length, before);
    });
  });
});
