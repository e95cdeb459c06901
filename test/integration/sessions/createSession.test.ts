// New Session against the sandbox, through the real Dataverse client and Graph SDK: a create whose answer
// is lost (the sandbox applied it, then dropped the connection) makes no second session or reminder, and the
// Outlook event is made once and recognised by its iCalUId on the session.
import { strict as assert } from 'node:assert';
import { filters } from '../../../src/core/dataverse';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { createSession } from '../../../src/core/booking';
import { startSessionsHarness, type SessionsHarness } from './harness';

const S = DEFAULT_TABLES.session;
const M = DEFAULT_TABLES.scheduledMessage;
const DAY = 86_400_000;

describe('creating a session in the sandbox', function () {
  this.timeout(60_000);
  let h: SessionsHarness;

  before(async () => {
    h = await startSessionsHarness({ seed: 'session-actions-create' });
  });
  afterEach(() => h.sandbox.faults.clear());
  after(async () => {
    await h?.stop();
  });

  async function messagesOf(sessionId: string) {
    return h.dv.list(M.entitySet, {
      select: [M.primaryId, M.columns.subject, M.columns.scheduledTime],
      filter: filters.lookup(`_${M.columns.session}_value`, sessionId),
    });
  }

  it('makes one session and one reminder per lead time when the answers to their creates are lost', async () => {
    const client = await h.clientSpeaking('en');
    h.loseAnswer(`^POST /api/data/v9\\.2/${S.entitySet}$`);
    h.loseAnswer(`^POST /api/data/v9\\.2/${M.entitySet}$`, 2);
    const start = new Date(Math.ceil((Date.now() + 3 * DAY) / 60_000) * 60_000);
    const created = await createSession(h.deps(), { clientId: client.id, start, durationMinutes: 50, feeCents: 9000 });
    const lost = h.sandbox.requestLog().filter((e) => e.faults?.includes('lostAnswer'));
    assert.equal(lost.length, 3, 'the sandbox applied three creates and lost their answers');
    const sessions = await h.dv.list(S.entitySet, {
      select: [S.primaryId],
      filter: filters.and(
        filters.lookup(`_${S.columns.regarding}_value`, client.id),
        filters.eq(S.columns.start, start),
      ),
    });
    assert.deepEqual(
      sessions.map((r) => r[S.primaryId]),
      [created.session.id],
    );
    assert.equal((await messagesOf(created.session.id)).length, 2);
  });

  it('makes one session and its reminders when the whole action is run again after the server acted', async () => {
    const client = await h.clientSpeaking('en');
    const input = {
      id: 'a1b2c3d4-0000-4000-8000-00000000c0de',
      clientId: client.id,
      start: new Date(Math.ceil((Date.now() + 4 * DAY) / 60_000) * 60_000),
      durationMinutes: 50,
    };
    await createSession(h.deps(), input);
    h.mark();
    await createSession(h.deps(), input);
    const sessions = await h.dv.list(S.entitySet, {
      select: [S.primaryId],
      filter: filters.lookup(S.primaryId, input.id),
    });
    assert.equal(sessions.length, 1);
    assert.equal((await messagesOf(input.id)).length, 2);
    const creates = h.sandbox
      .requestLog()
      .slice(h.marked())
      .filter((e) => e.method === 'POST');
    assert.deepEqual(
      creates.map((e) => e.status),
      [412, 412, 412],
      'the second run met the session and both reminders it had made',
    );
  });

  it("renders a German client's reminders in German, in the client's time zone", async () => {
    const client = await h.clientSpeaking('de');
    const start = new Date(Math.ceil((Date.now() + 5 * DAY) / 3_600_000) * 3_600_000);
    const created = await createSession(h.deps(), { clientId: client.id, start, durationMinutes: 50 });
    const local = new Intl.DateTimeFormat('de', { timeZone: client.timeZone, timeStyle: 'short' }).format(start);
    const subjects = (await messagesOf(created.session.id)).map((r) => String(r[M.columns.subject]));
    assert.equal(subjects.length, 2);
    for (const subject of subjects)
      assert.ok(subject.startsWith(`Erinnerung: Ihr Termin am`) && subject.endsWith(` um ${local}`), subject);
  });

  it('creates the Outlook event once and records its iCalUId on the session', async () => {
    const client = await h.clientSpeaking('en');
    const input = {
      id: 'a1b2c3d4-0000-4000-8000-0000000e7e47',
      clientId: client.id,
      start: new Date(Math.ceil((Date.now() + 6 * DAY) / 60_000) * 60_000),
      durationMinutes: 50,
      location: 'Room 2',
      outlookEvent: true,
    };
    const first = await createSession(h.deps(), input);
    const again = await createSession(h.deps(), input);
    assert.ok(first.outlookEvent?.ok, JSON.stringify(first.outlookEvent));
    assert.ok(again.outlookEvent?.ok);
    assert.equal(
      first.outlookEvent.ok && again.outlookEvent.ok && first.outlookEvent.id === again.outlookEvent.id,
      true,
    );
    const { row } = await h.dv.get(S.entitySet, input.id, { select: [S.columns.icalUid] });
    assert.equal(row[S.columns.icalUid], first.outlookEvent.ok ? first.outlookEvent.iCalUId : undefined);
    const mailbox = encodeURIComponent(h.profile.mailbox ?? '');
    const posts = h.sandbox
      .requestLog()
      .filter((e) => e.service === 'graph' && e.method === 'POST' && e.path.includes(`/users/${mailbox}/events`));
    assert.equal(posts.length, 2, 'each run asked once; transactionId kept it one event');
  });
});
