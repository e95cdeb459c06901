// Import From Calendar and session notes against the sandbox, through the real Graph SDK and our Dataverse
// client: the seeded practice's calendar sessions are recognised by their iCalUId, the events booked in Outlook
// only become sessions once (also when two imports run at once or a create's answer is lost), each with one
// reminder per lead time, someone who is not a client is reported, a private appointment is left alone; and
// a note saved again after a lost answer is one note.
import { strict as assert } from 'node:assert';
import type { Client } from '@microsoft/microsoft-graph-client';
import { resourcesFor } from '../../../src/core/auth';
import { importSessionsFromCalendar } from '../../../src/core/booking';
import { systemClock } from '../../../src/core/clock';
import { filters, type DataverseClient } from '../../../src/core/dataverse';
import { createGraphClient } from '../../../src/core/graph';
import { silentLogger } from '../../../src/core/log/types';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import { defaultTemplates } from '../../../src/core/reminders';
import { addSessionNote, loadSessions, type CalendarImportReport } from '../../../src/core/sessions';
import { startHarness, type Harness } from '../dataverse/harness';

const DAY = 86_400_000;
const s = DEFAULT_TABLES.session;
const m = DEFAULT_TABLES.scheduledMessage;
const LEAD_TIMES = [1440, 120];

describe('import from calendar against the sandbox', function () {
  this.timeout(60_000);
  let h: Harness;
  let graph: Client;
  let from: Date;
  let to: Date;

  beforeEach(async () => {
    h = await startHarness({ seed: 'calendar-import-test', clients: 12 });
    graph = createGraphClient({
      http: h.http,
      tokens: h.tokens,
      resource: resourcesFor(h.profile).graph,
      graphUrl: h.profile.graphUrl,
    });
    const now = Date.now();
    from = new Date(now - 28 * DAY);
    to = new Date(now + 28 * DAY);
  });
  afterEach(async () => {
    h.sandbox.faults.clear();
    await h?.stop();
  });

  const run = (dv: DataverseClient = h.client()): Promise<CalendarImportReport> =>
    importSessionsFromCalendar(
      {
        dataverse: dv,
        graph,
        tables: DEFAULT_TABLES,
        clock: systemClock,
        log: silentLogger,
        templates: defaultTemplates(),
        practitioner: { name: 'Dr. Sandbox', timeZone: 'Europe/London', language: 'en' },
        profile: { name: h.profile.name, mailbox: h.sandbox.info.mailbox, autoSend: false },
        settings: { leadTimesMinutes: LEAD_TIMES, followUpDelayMinutes: 60 },
      },
      { mailbox: h.sandbox.info.mailbox, from, to, category: 'Client session' },
    );

  /** The statuses of each session's scheduled messages. */
  async function messagesPerSession(sessionIds: string[]): Promise<number[][]> {
    const dv = h.client();
    const out: number[][] = [];
    for (const id of sessionIds) {
      const rows = await dv.list(m.entitySet, {
        select: [m.columns.status],
        filter: filters.lookup(`_${m.columns.session}_value`, id),
      });
      out.push(rows.map((r) => Number(r[m.columns.status])));
    }
    return out;
  }

  /** How many sessions hold each of these iCalUIds. */
  async function sessionsPerEvent(uids: string[]): Promise<number[]> {
    const dv = h.client();
    const counts: number[] = [];
    for (const uid of uids) counts.push(await dv.count(s.entitySet, filters.eq(s.columns.icalUid, uid)));
    return counts;
  }

  const outlookOnly = () => h.sandbox.practice.outlookOnlyEvents ?? [];

  it('creates sessions for the events booked in Outlook only, once; the seeded sessions are already there', async () => {
    const extras = outlookOnly().filter((e) => e.key.startsWith('extra:'));
    assert.equal(extras.length, 3, 'the seed books three extra sessions in Outlook');
    const first = await run();
    assert.equal(first.created.length, 3);
    assert.deepEqual(first.created.map((c) => c.subject).sort(), extras.map((e) => e.subject).sort());
    assert.deepEqual(
      first.unmatched.map((u) => [u.subject, u.reason, u.attendees]),
      [['First session – Jordan Blake', 'noClient', ['jordan.blake@example.net']]],
    );
    assert.ok(first.alreadyImported.length > 10, 'the seeded calendar sessions hold their iCalUId');
    assert.ok(!first.created.some((c) => c.subject === 'Dentist'));

    const draft = MESSAGE_STATUS.draft;
    const createdIds = first.created.map((c) => c.sessionId);
    assert.deepEqual(
      await messagesPerSession(createdIds),
      createdIds.map(() => [draft, draft]),
      'each upcoming imported session has a draft reminder per lead time',
    );

    const second = await run();
    assert.equal(second.created.length, 0);
    assert.equal(second.alreadyImported.length, first.alreadyImported.length + 3);
    assert.deepEqual(
      await messagesPerSession(createdIds),
      createdIds.map(() => [draft, draft]),
      'the second import wrote no second reminder',
    );

    const sessions = await loadSessions(h.client(), DEFAULT_TABLES, new Date());
    for (const created of first.created) {
      const session = sessions.find((x) => x.id === created.sessionId);
      assert.ok(session, `session ${created.subject} is loaded`);
      assert.equal(session.clientId, created.clientId);
      assert.equal(session.status, 'scheduled');
      assert.equal(session.start.getTime(), created.start.getTime());
    }
  });

  it('creates one session per event when two imports run at once', async () => {
    const [a, b] = await Promise.all([run(h.client()), run(h.client())]);
    assert.equal(a.created.length + b.created.length, 3);
    const uids = [...a.created, ...b.created].map((c) => c.iCalUId);
    assert.deepEqual(await sessionsPerEvent(uids), [1, 1, 1]);
    const ids = [...a.created, ...b.created].map((c) => c.sessionId);
    assert.deepEqual(
      (await messagesPerSession(ids)).map((statuses) => statuses.length),
      [2, 2, 2],
      'one reminder per session and lead time',
    );
  });

  it('creates one session per event when the answer to a create is lost', async () => {
    h.sandbox.faults.add({
      service: 'dataverse',
      kind: 'lostAnswer',
      rate: 1,
      limit: 2,
      route: '^POST /api/data/v9\\.2/appointments$',
    });
    const report = await run();
    assert.equal(report.created.length, 3);
    assert.deepEqual(await sessionsPerEvent(report.created.map((c) => c.iCalUId)), [1, 1, 1]);
    assert.ok(
      h.sandbox.requestLog().some((e) => e.faults?.includes('lostAnswer')),
      'an answer was lost',
    );
  });

  it('saves one note when the note is saved again after its answer was lost', async () => {
    const [session] = h.sandbox.practice.sessions.filter((x) => x.state === 'attended');
    const dv = h.client();
    const before = (await dv.listNotes(session.id)).length;
    h.sandbox.faults.add({
      service: 'dataverse',
      kind: 'lostAnswer',
      rate: 1,
      limit: 1,
      route: '^POST /api/data/v9\\.2/annotations$',
    });
    const deps = { dataverse: dv, tables: DEFAULT_TABLES };
    const text = '# Session note\n\nWorked on the sleep diary.';
    const saved = await addSessionNote(deps, session.id, text);
    // Unsure whether it was saved, the practitioner saves it again.
    const again = await addSessionNote(deps, session.id, text);
    assert.deepEqual(again, { noteId: saved.noteId, alreadySaved: true });
    const notes = await dv.listNotes(session.id);
    assert.equal(notes.length, before + 1);
    assert.ok(notes.some((n) => n.id === saved.noteId && n.text === text && n.subject === 'Session note'));
    assert.ok(
      h.sandbox.requestLog().some((e) => e.faults?.includes('lostAnswer')),
      'the first answer was lost',
    );
  });
});
