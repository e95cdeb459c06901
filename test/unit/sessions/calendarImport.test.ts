// Import From Calendar, the ways it goes wrong for a practitioner: importing twice, two imports at once, events
// that are not sessions, attendees who are not clients, many pages of events, and a paging link from the
// server that points at another origin (which must not receive the Graph token). A new upcoming session gets
// its reminders once, however often and however many at once import it.
import { strict as assert } from 'node:assert';
import { Client, type Context } from '@microsoft/microsoft-graph-client';
import { TokenProvider } from '../../../src/core/auth';
import { importSessionsFromCalendar, type CalendarImportActionDeps } from '../../../src/core/booking';
import { CancelledError, ExternalServiceError } from '../../../src/core/errors';
import { createGraphClient } from '../../../src/core/graph';
import { HttpClient } from '../../../src/core/http';
import { silentLogger } from '../../../src/core/log/types';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import { defaultTemplates, reminderRowId, templatesWith } from '../../../src/core/reminders';
import type { CalendarImportReport } from '../../../src/core/sessions';
import { failure } from '../../builders/failure';
import { clockReading } from '../../builders/fakeClock';
import { FakeDataverse } from '../../builders/fakeDataverse';
import { TestServer, aTestCertificate } from '../http/testServer';

const MAILBOX = 'dr.weber@practice.example';
const CATEGORY = 'Client session';
const FROM = new Date('2026-11-23T00:00:00Z');
const TO = new Date('2026-11-30T00:00:00Z');
const s = DEFAULT_TABLES.session;
const contacts = DEFAULT_TABLES.client;
const messages = DEFAULT_TABLES.scheduledMessage;
/** After every event in the range: an import of past sessions, which brings no reminders. */
const AFTER_THE_WEEK = TO.getTime();

interface FakeEvent {
  id: string;
  iCalUId: string;
  subject: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  categories: string[];
  attendees: { type: string; emailAddress: { name: string; address: string } }[];
  location: { displayName: string };
  isCancelled: boolean;
  transactionId?: string | null;
}

let eventCounter = 0;
function anEvent(options: { attendees?: string[]; categories?: string[]; start?: string; cancelled?: boolean } = {}) {
  const n = ++eventCounter;
  const start = new Date(options.start ?? `2026-11-24T${String(8 + (n % 9)).padStart(2, '0')}:00:00Z`);
  const utc = (d: Date) => ({
    dateTime: d
      .toISOString()
      .replace('Z', '')
      .replace(/\.\d+$/, '.0000000'),
    timeZone: 'UTC',
  });
  const event: FakeEvent = {
    id: `AAMkAD${n}`,
    iCalUId: `040000008200E00074C5B7101A82E008000000000000000000000000${String(n).padStart(8, '0')}`,
    subject: `Session ${n}`,
    start: utc(start),
    end: utc(new Date(start.getTime() + 50 * 60_000)),
    categories: options.categories ?? [CATEGORY],
    attendees: (options.attendees ?? ['alex@example.test']).map((address) => ({
      type: 'required',
      emailAddress: { name: address, address },
    })),
    location: { displayName: 'Practice room 1' },
    isCancelled: options.cancelled ?? false,
  };
  return event;
}

/** A Graph calendarView answering from `events`, paging with $top/$skip like Outlook. */
function fakeGraph(events: FakeEvent[]): { graph: Client; requests: string[] } {
  const requests: string[] = [];
  const graph = Client.initWithMiddleware({
    middleware: {
      execute: async (context: Context) => {
        const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
        requests.push(url.toString());
        assert.match(url.pathname, /\/users\/[^/]+\/calendarView$/);
        const top = Number(url.searchParams.get('$top') ?? 10);
        const skip = Number(url.searchParams.get('$skip') ?? 0);
        const start = Date.parse(url.searchParams.get('startDateTime') ?? '');
        const end = Date.parse(url.searchParams.get('endDateTime') ?? '');
        const inRange = events.filter(
          (e) => Date.parse(`${e.start.dateTime}Z`) < end && Date.parse(`${e.end.dateTime}Z`) > start,
        );
        const body: Record<string, unknown> = { value: inRange.slice(skip, skip + top) };
        if (skip + top < inRange.length) {
          const next = new URL(url);
          next.searchParams.set('$skip', String(skip + top));
          body['@odata.nextLink'] = next.toString();
        }
        context.response = new Response(JSON.stringify(body), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      },
    },
    baseUrl: 'https://graph.microsoft.com',
  });
  return { graph, requests };
}

function practice(): FakeDataverse {
  const dv = new FakeDataverse();
  dv.put(contacts.entitySet, {
    contactid: '11111111-1111-4111-8111-111111111111',
    fullname: 'Alex Morgan',
    emailaddress1: 'Alex@Example.test',
  });
  dv.put(contacts.entitySet, {
    contactid: '22222222-2222-4222-8222-222222222222',
    fullname: 'Bo Chen',
    emailaddress1: 'bo@example.test',
  });
  return dv;
}

/** What the import is given, as the editor and the CLI give it, reading the clock at `now`. */
function importDeps(
  dv: FakeDataverse,
  graph: Client,
  overrides: Partial<CalendarImportActionDeps> & { now?: number } = {},
): CalendarImportActionDeps {
  const { now = AFTER_THE_WEEK, ...rest } = overrides;
  return {
    dataverse: dv,
    graph,
    tables: DEFAULT_TABLES,
    clock: clockReading(() => now),
    log: silentLogger,
    templates: defaultTemplates(),
    practitioner: { name: 'Dr. Weber', email: MAILBOX, timeZone: 'Europe/Berlin', language: 'en' },
    profile: { name: 'test', mailbox: MAILBOX, autoSend: false },
    settings: { leadTimesMinutes: [1440, 120], followUpDelayMinutes: 60 },
    ...rest,
  };
}

async function run(
  dv: FakeDataverse,
  graph: Client,
  overrides: Partial<CalendarImportActionDeps> & { now?: number } = {},
): Promise<CalendarImportReport> {
  return importSessionsFromCalendar(importDeps(dv, graph, overrides), {
    mailbox: MAILBOX,
    from: FROM,
    to: TO,
    category: CATEGORY,
  });
}

describe('import from calendar', () => {
  it('creates a session per event with the category, for the client among its attendees, holding its iCalUId', async () => {
    const event = anEvent({ attendees: [MAILBOX, 'ALEX@example.test'] });
    const dv = practice();
    const report = await run(dv, fakeGraph([event]).graph);
    assert.equal(report.created.length, 1);
    const [row] = dv.rows(s.entitySet);
    assert.equal(row[s.columns.icalUid], event.iCalUId);
    assert.equal(row._regardingobjectid_value, '11111111-1111-4111-8111-111111111111');
    assert.equal(row[s.columns.start], `${event.start.dateTime.slice(0, 19)}.000Z`);
    assert.equal(row[s.columns.subject], event.subject);
    assert.equal(report.created[0].clientName, 'Alex Morgan');
  });

  it('creates nothing on a second import of the same range', async () => {
    const events = [anEvent(), anEvent({ attendees: ['bo@example.test'] })];
    const dv = practice();
    const { graph } = fakeGraph(events);
    await run(dv, graph);
    const second = await run(dv, graph);
    assert.equal(second.created.length, 0);
    assert.equal(second.alreadyImported.length, 2);
    assert.equal(dv.rows(s.entitySet).length, 2);
    assert.equal(dv.calls.filter((c) => c.op === 'create').length, 2, 'the second import wrote nothing');
  });

  it('recognises an event whose session was made another way, by the iCalUId it holds', async () => {
    const event = anEvent();
    const dv = practice();
    dv.put(s.entitySet, { activityid: '33333333-3333-4333-8333-333333333333', [s.columns.icalUid]: event.iCalUId });
    const report = await run(dv, fakeGraph([event]).graph);
    assert.deepEqual(
      report.alreadyImported.map((a) => a.sessionId),
      ['33333333-3333-4333-8333-333333333333'],
    );
    assert.equal(dv.rows(s.entitySet).length, 1);
  });

  it('recognises the event New Session made, before its iCalUId is recorded on the session, by its transactionId', async () => {
    // New Session creates the session, then the Outlook event (transactionId = the session's id), then records the
    // event's iCalUId: an import in between must not make a second session of that event.
    const event = { ...anEvent(), transactionId: '44444444-4444-4444-8444-444444444444' };
    const dv = practice();
    dv.put(s.entitySet, { activityid: '44444444-4444-4444-8444-444444444444', [s.columns.subject]: 'Booked here' });
    const report = await run(dv, fakeGraph([event]).graph);
    assert.equal(report.created.length, 0);
    assert.deepEqual(
      report.alreadyImported.map((a) => a.sessionId),
      ['44444444-4444-4444-8444-444444444444'],
    );
    assert.equal(dv.rows(s.entitySet).length, 1);
  });

  it('creates one session per event when two imports run at once', async () => {
    const events = [anEvent(), anEvent({ attendees: ['bo@example.test'] }), anEvent()];
    const dv = practice();
    // Both imports have checked which events are new before either creates: each create of an event waits for
    // the other import's create of it.
    const arrived = new Map<string, { count: number; release: () => void; ready: Promise<void> }>();
    dv.beforeCreate = async (_set, body) => {
      const id = String(body[s.columns.icalUid]);
      let gate = arrived.get(id);
      if (!gate) {
        let release = () => {};
        const ready = new Promise<void>((resolve) => (release = resolve));
        gate = { count: 0, release, ready };
        arrived.set(id, gate);
      }
      if (++gate.count === 2) gate.release();
      await gate.ready;
    };
    const [a, b] = await Promise.all([run(dv, fakeGraph(events).graph), run(dv, fakeGraph(events).graph)]);
    assert.equal(dv.rows(s.entitySet).length, 3, 'one session per event');
    assert.equal(a.created.length + b.created.length, 3);
    assert.equal(a.alreadyImported.length + b.alreadyImported.length, 3);
  });

  it('drafts the lead-time reminders of an upcoming imported session, as New Session does', async () => {
    const event = anEvent({ start: '2026-11-26T10:00:00Z' });
    const dv = practice();
    const report = await run(dv, fakeGraph([event]).graph, { now: FROM.getTime() });
    const rows = dv.rows(messages.entitySet);
    assert.equal(rows.length, 2, 'a reminder for each lead time');
    const sessionId = report.created[0].sessionId;
    assert.equal(report.created[0].messages, 2);
    assert.deepEqual(
      rows.map((r) => [r[messages.primaryId], r[messages.columns.status], r[messages.columns.scheduledTime]]),
      [
        [reminderRowId(sessionId, 1440), MESSAGE_STATUS.draft, '2026-11-25T10:00:00.000Z'],
        [reminderRowId(sessionId, 120), MESSAGE_STATUS.draft, '2026-11-26T08:00:00.000Z'],
      ],
    );
    for (const row of rows) {
      assert.equal(row[messages.columns.email], 'Alex@Example.test');
      assert.equal(row[`_${messages.columns.session}_value`], sessionId);
      assert.match(String(row[messages.columns.text]), /Alex/);
    }
  });

  it('approves the reminders at once when the profile sends automatically, and drafts none already past', async () => {
    const event = anEvent({ start: '2026-11-26T10:00:00Z' });
    const dv = practice();
    // An hour before the day-ahead reminder was due: only the two-hour one is still ahead.
    const now = Date.parse('2026-11-25T11:00:00Z');
    await run(dv, fakeGraph([event]).graph, { now, profile: { name: 'auto', mailbox: MAILBOX, autoSend: true } });
    assert.deepEqual(
      dv.rows(messages.entitySet).map((r) => [r[messages.columns.status], r[messages.columns.scheduledTime]]),
      [[MESSAGE_STATUS.approved, '2026-11-26T08:00:00.000Z']],
    );
  });

  it('drafts no reminder for an imported session that is already over', async () => {
    const dv = practice();
    const report = await run(dv, fakeGraph([anEvent()]).graph, { now: AFTER_THE_WEEK });
    assert.equal(report.created.length, 1);
    assert.equal(report.created[0].messages, 0);
    assert.equal(dv.rows(messages.entitySet).length, 0);
  });

  it('writes no second reminder on a second import', async () => {
    const events = [anEvent({ start: '2026-11-26T10:00:00Z' }), anEvent({ start: '2026-11-27T10:00:00Z' })];
    const dv = practice();
    const { graph } = fakeGraph(events);
    await run(dv, graph, { now: FROM.getTime() });
    const creates = dv.calls.filter((c) => c.op === 'create').length;
    const second = await run(dv, graph, { now: FROM.getTime() });
    assert.equal(second.created.length, 0);
    assert.equal(dv.rows(messages.entitySet).length, 4, 'two reminders per session');
    assert.equal(dv.calls.filter((c) => c.op === 'create').length, creates, 'the second import wrote nothing');
  });

  it('writes one reminder per lead time when two imports of the same events run at once', async () => {
    const events = [anEvent({ start: '2026-11-26T10:00:00Z' }), anEvent({ start: '2026-11-27T10:00:00Z' })];
    const dv = practice();
    // Both imports have checked which events are new before either creates: each create of a session waits for
    // the other import's create of it, so both go on to write the session's reminders.
    const arrived = new Map<string, { count: number; release: () => void; ready: Promise<void> }>();
    dv.beforeCreate = async (set, body) => {
      if (set !== s.entitySet) return;
      const id = String(body[s.primaryId]);
      let gate = arrived.get(id);
      if (!gate) {
        let release = () => {};
        const ready = new Promise<void>((resolve) => (release = resolve));
        gate = { count: 0, release, ready };
        arrived.set(id, gate);
      }
      if (++gate.count === 2) gate.release();
      await gate.ready;
    };
    const now = FROM.getTime();
    const [a, b] = await Promise.all([
      run(dv, fakeGraph(events).graph, { now }),
      run(dv, fakeGraph(events).graph, { now }),
    ]);
    assert.equal(a.created.length + b.created.length, 2);
    assert.equal(dv.rows(s.entitySet).length, 2);
    const created = dv.calls.filter((c) => c.op === 'create' && c.entitySet === messages.entitySet);
    assert.equal(created.length, 8, 'both imports tried each reminder');
    assert.equal(dv.rows(messages.entitySet).length, 4, 'one reminder per session and lead time');
  });

  it('writes neither the session nor its reminders when a template names a missing variable', async () => {
    const templates = templatesWith({
      'reminder.liquid': '{% capture subject %}Hi{% endcapture %}<p>Call me on {{ client.phone }}</p>',
    });
    const dv = practice();
    const error = await failure(
      run(dv, fakeGraph([anEvent({ start: '2026-11-26T10:00:00Z' })]).graph, { now: FROM.getTime(), templates }),
    );
    assert.equal(error.code, 'template.missingVariable');
    assert.equal(dv.calls.filter((c) => c.op === 'create').length, 0);
  });

  it('leaves out events without the category and cancelled ones; the category is matched ignoring case', async () => {
    const dentist = anEvent({ categories: ['Private'] });
    const uncategorised = anEvent({ categories: [] });
    const cancelled = anEvent({ cancelled: true });
    const session = anEvent({ categories: ['client SESSION '] });
    const dv = practice();
    const report = await run(dv, fakeGraph([dentist, uncategorised, cancelled, session]).graph);
    assert.equal(report.considered, 1);
    assert.deepEqual(
      dv.rows(s.entitySet).map((r) => r[s.columns.icalUid]),
      [session.iCalUId],
    );
  });

  it('reports an attendee who is not in Dataverse as unmatched and invents no client', async () => {
    const stranger = anEvent({ attendees: [MAILBOX, 'someone.new@example.test'] });
    const alone = anEvent({ attendees: [MAILBOX] });
    const couple = anEvent({ attendees: ['alex@example.test', 'bo@example.test'] });
    const dv = practice();
    const report = await run(dv, fakeGraph([stranger, alone, couple]).graph);
    assert.deepEqual(
      report.unmatched.map((u) => [u.iCalUId, u.reason, u.attendees]),
      [
        [stranger.iCalUId, 'noClient', ['someone.new@example.test']],
        [alone.iCalUId, 'noAttendee', []],
        [couple.iCalUId, 'severalClients', ['alex@example.test', 'bo@example.test']],
      ],
    );
    assert.equal(dv.rows(s.entitySet).length, 0);
    assert.equal(dv.rows(contacts.entitySet).length, 2, 'no contact was created');
  });

  it('finds the client who sent the invitation, as its organizer, when the practitioner is the attendee', async () => {
    const invited = {
      ...anEvent({ attendees: [MAILBOX] }),
      organizer: { emailAddress: { name: 'Bo', address: 'BO@example.test' } },
    };
    const dv = practice();
    const report = await run(dv, fakeGraph([invited]).graph);
    assert.deepEqual(
      report.created.map((c) => c.clientName),
      ['Bo Chen'],
    );
  });

  it('follows every page of a busy week and asks Dataverse per 25 events, not per event', async () => {
    const events = Array.from({ length: 230 }, (_, i) =>
      anEvent({ start: new Date(FROM.getTime() + 3_600_000 + i * 60_000).toISOString() }),
    );
    const dv = practice();
    const { graph, requests } = fakeGraph(events);
    const report = await run(dv, graph);
    assert.equal(requests.length, 3);
    assert.equal(report.created.length, 230);
    const sessionQueries = dv.calls.filter((c) => c.op === 'query' && c.entitySet === s.entitySet);
    assert.equal(sessionQueries.length, 10);
  });

  it('refuses an empty category and a range that ends before it starts, before asking Graph', async () => {
    const { graph, requests } = fakeGraph([anEvent()]);
    const deps = importDeps(practice(), graph);
    await assert.rejects(importSessionsFromCalendar(deps, { mailbox: MAILBOX, from: FROM, to: TO, category: ' ' }));
    await assert.rejects(
      importSessionsFromCalendar(deps, { mailbox: MAILBOX, from: TO, to: FROM, category: CATEGORY }),
    );
    assert.equal(requests.length, 0);
  });

  it('stops when cancelled, creating nothing', async () => {
    const dv = practice();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      importSessionsFromCalendar(importDeps(dv, fakeGraph([anEvent()]).graph, { now: FROM.getTime() }), {
        mailbox: MAILBOX,
        from: FROM,
        to: TO,
        category: CATEGORY,
        signal: controller.signal,
      }),
      (e: unknown) => e instanceof CancelledError,
    );
    assert.equal(dv.rows(s.entitySet).length, 0);
  });

  it('refuses an event in another time zone than the UTC it asked for, rather than misplacing it', async () => {
    const event = anEvent();
    event.start.timeZone = 'W. Europe Standard Time';
    await assert.rejects(run(practice(), fakeGraph([event]).graph), (e: unknown) => e instanceof ExternalServiceError);
  });
});

describe('import from calendar through the Graph client', () => {
  it('sends no token along a paging link to another origin', async () => {
    const certificate = await aTestCertificate();
    const server = new TestServer(certificate);
    const graphUrl = await server.start(); // https://127.0.0.1:<port>
    const otherOrigin = graphUrl.replace('127.0.0.1', 'localhost');
    const http = new HttpClient({
      logger: silentLogger,
      trust: { ca: certificate.cert, origins: [graphUrl, otherOrigin] },
    });
    try {
      const first = anEvent();
      const second = anEvent();
      server.reset((request, response) => {
        const onOther = request.headers.host?.startsWith('localhost');
        const body = onOther
          ? { value: [second] }
          : { value: [first], '@odata.nextLink': `${otherOrigin}/v1.0/users/${MAILBOX}/calendarView?$skip=1` };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
      const tokens = new TokenProvider({
        acquire: async () => ({ accessToken: 'graph-token', expiresOn: new Date(4_102_444_800_000) }),
      });
      const graph = createGraphClient({
        http,
        tokens,
        resource: { name: 'graph', scope: 'https://graph.microsoft.com/.default' },
        graphUrl,
      });
      await run(practice(), graph);
      assert.equal(server.requests.length, 2);
      const [toGraph, toOther] = server.requests;
      assert.equal(toGraph.headers.authorization, 'Bearer graph-token');
      assert.match(String(toOther.headers.host), /^localhost:/);
      assert.equal(toOther.headers.authorization, undefined, 'the other origin got no token');
    } finally {
      await http.close();
      await server.stop();
    }
  });
});
