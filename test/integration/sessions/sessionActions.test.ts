// The session and reminder actions against the sandbox's Dataverse, through the real client: its ETags and
// If-Match decide a race with the sender's claim, a lost answer is a write that happened, and what the
// sender sent stays as it was sent.
import { strict as assert } from 'node:assert';
import type { DataverseClient } from '../../../src/core/dataverse';
import { ConflictError } from '../../../src/core/errors';
import { DEFAULT_TABLES, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import { loadSessions } from '../../../src/core/sessions';
import { approveReminder, followUpRowId, reminderRowId, skipReminder } from '../../../src/core/reminders';
import { cancelSession, createSession, markAttended, rescheduleSession } from '../../../src/core/booking';
import { startSessionsHarness, type SessionsHarness } from './harness';

const S = DEFAULT_TABLES.session;
const T = DEFAULT_TABLES.scheduledMessage;
const M = T.columns;
const DAY = 86_400_000;

describe('session and reminder actions in the sandbox', function () {
  this.timeout(60_000);
  let h: SessionsHarness;
  let day = 10;

  before(async () => {
    h = await startSessionsHarness({ seed: 'session-actions-act' });
  });
  afterEach(() => h.sandbox.faults.clear());
  after(async () => {
    await h?.stop();
  });

  async function aBookedSession(): Promise<string> {
    const client = await h.clientSpeaking('en');
    const start = new Date(Math.ceil((Date.now() + day++ * DAY) / 60_000) * 60_000);
    return (await createSession(h.deps(), { clientId: client.id, start, durationMinutes: 50 })).session.id;
  }

  const row = async (id: string) => (await h.dv.get(T.entitySet, id)).row;

  it('reports a skip racing the sender’s claim as a conflict, and the claimed row stays as the sender set it', async () => {
    const sessionId = await aBookedSession();
    const id = reminderRowId(sessionId, 120);
    await approveReminder(h.deps(), id);
    // The sender claims the reminder between the skip's read and its write, as it does: under the row's ETag.
    const racing: DataverseClient = Object.assign(Object.create(h.dv) as DataverseClient, {
      update: async (...args: Parameters<DataverseClient['update']>) => {
        const { etag } = await h.dv.get(T.entitySet, id, { select: [M.status] });
        await h.dv.update(T.entitySet, id, { [M.status]: MESSAGE_STATUS.sending }, { ifMatch: etag });
        return h.dv.update(...args);
      },
    });
    const error = await skipReminder({ ...h.deps(), dataverse: racing }, id).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConflictError, String(error));
    assert.match(error.message, /being sent/);
    assert.equal((await row(id))[M.status], MESSAGE_STATUS.sending);
  });

  it('drafts one follow-up when the session is marked attended twice and the first follow-up’s answer was lost', async () => {
    const sessionId = await aBookedSession();
    h.loseAnswer(`^POST /api/data/v9\\.2/${T.entitySet}$`);
    await markAttended(h.deps(), sessionId);
    const again = await markAttended(h.deps(), sessionId);
    assert.equal(again.followUpCreated, false);
    const followUps = await h.dv.list(T.entitySet, {
      select: [T.primaryId],
      filter: `_${M.session}_value eq ${sessionId} and ${M.kind} eq ${MESSAGE_KIND.followUp}`,
    });
    assert.deepEqual(
      followUps.map((r) => r[T.primaryId]),
      [followUpRowId(sessionId)],
    );
    assert.ok(h.sandbox.requestLog().some((e) => e.faults?.includes('lostAnswer')));
  });

  it('leaves a sent reminder as it was sent when the session is rescheduled, and moves the pending one', async () => {
    const sessionId = await aBookedSession();
    const sentId = reminderRowId(sessionId, 1440);
    await h.dv.update(T.entitySet, sentId, { [M.status]: MESSAGE_STATUS.sent });
    const sent = await row(sentId);
    const { row: session } = await h.dv.get(S.entitySet, sessionId, { select: [S.columns.start] });
    const start = new Date(Date.parse(String(session[S.columns.start])) + DAY);
    const result = await rescheduleSession(h.deps(), sessionId, { start });
    const after = await row(sentId);
    for (const column of [M.status, M.scheduledTime, M.subject, M.text])
      assert.deepEqual(after[column], sent[column], column);
    assert.deepEqual(
      result.moved.map((d) => d.id),
      [reminderRowId(sessionId, 120)],
    );
    const moved = await row(reminderRowId(sessionId, 120));
    assert.equal(Date.parse(String(moved[M.scheduledTime])), start.getTime() - 120 * 60_000);
  });

  it('records when a session was canceled in actualend, which the sessions read back for late cancellations', async () => {
    const sessionId = await aBookedSession();
    const canceledAt = Date.parse('2026-12-02T07:00:00Z');
    const { session } = await cancelSession(
      h.deps({ clock: { now: () => canceledAt, sleep: () => Promise.resolve() } }),
      sessionId,
    );
    assert.equal(session.closedAt?.toISOString(), new Date(canceledAt).toISOString());
    const { row: stored } = await h.dv.get(S.entitySet, sessionId, { select: [S.columns.actualEnd] });
    assert.equal(Date.parse(String(stored[S.columns.actualEnd])), canceledAt);
    const loaded = await loadSessions(h.dv, DEFAULT_TABLES, session.start);
    assert.equal(loaded.find((s) => s.id === sessionId)?.closedAt?.getTime(), canceledAt);
  });
});
