// The Graph sandbox's calendarView as Import From Calendar reads it: $filter on categories (ignoring case),
// an unsupported $filter refused as Graph refuses it instead of ignored, the window read as UTC without an
// offset, and nextLinks that repeat the window and the filter; the seed's calendar sessions carry the
// iCalUId their Dataverse sessions hold.
import assert from 'node:assert/strict';
import { generatePractice } from '../../../src/sandbox/seed';
import { sessionICalUId } from '../../../src/sandbox/seedCalendar';
import { PRACTITIONER_ID, aGraphWorld, call, type TestWorld } from './graphTestContext';

const base = `/v1.0/users/${PRACTITIONER_ID}`;
const window = 'startDateTime=2025-03-10T00:00:00&endDateTime=2025-03-24T00:00:00Z';
const filter = (text: string) => `$filter=${encodeURIComponent(text)}`;

describe('sandbox graph: calendarView for imports', () => {
  let world: TestWorld;
  beforeEach(async () => {
    world = aGraphWorld();
    await call(world.service, 'POST', `${base}/events`, {
      body: {
        subject: 'Dentist',
        start: { dateTime: '2025-03-12T07:00:00', timeZone: 'UTC' },
        end: { dateTime: '2025-03-12T08:00:00', timeZone: 'UTC' },
        categories: ['Private'],
      },
    });
  });

  it('keeps only the events with a category when $filter asks for it, ignoring case', async () => {
    const all = await call(world.service, 'GET', `${base}/calendarView?${window}`);
    assert.equal(all.body.value.length, 4);
    const sessions = await call(
      world.service,
      'GET',
      `${base}/calendarView?${window}&${filter("categories/any(c: c eq 'client SESSION')")}`,
    );
    assert.equal(sessions.status, 200);
    assert.deepEqual(
      sessions.body.value.map((e: { subject: string }) => e.subject),
      ['Session', 'Session', 'Session'],
    );
    const either = await call(
      world.service,
      'GET',
      `${base}/calendarView?${window}&${filter("categories/any(c:c eq 'Private') or (isCancelled eq true)")}`,
    );
    assert.equal(either.body.value.length, 2);
  });

  it('refuses a $filter it does not understand with 400 rather than ignoring it', async () => {
    const answer = await call(world.service, 'GET', `${base}/calendarView?${window}&${filter("bodyPreview eq 'x'")}`);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.message, 'Invalid filter clause');
  });

  it('pages with nextLinks that keep the window and the filter', async () => {
    const first = await call(
      world.service,
      'GET',
      `${base}/calendarView?${window}&$top=2&${filter("categories/any(c: c eq 'Client session')")}`,
    );
    assert.equal(first.body.value.length, 2);
    const next = new URL(first.body['@odata.nextLink'] as string);
    assert.equal(next.searchParams.get('startDateTime'), '2025-03-10T00:00:00');
    assert.equal(next.searchParams.get('$filter'), "categories/any(c: c eq 'Client session')");
    const second = await call(world.service, 'GET', `${next.pathname.replace('/graph', '')}${next.search}`);
    assert.equal(second.body.value.length, 1);
    assert.equal(second.body['@odata.nextLink'], undefined);
  });
});

describe('sandbox seed: calendar and sessions agree', () => {
  it("gives each calendar session's event the iCalUId its session holds, and books events in Outlook only", () => {
    const now = Date.parse('2026-11-25T09:00:00Z');
    const practice = generatePractice({ seed: 'calendar-seed-test', now, clients: 12 });
    const extra = practice.outlookOnlyEvents ?? [];
    assert.equal(extra.filter((e) => e.key.startsWith('extra:')).length, 3);
    assert.ok(
      extra.some((e) => e.categories.length === 0),
      'a private appointment',
    );
    assert.ok(
      extra.every((e) => Date.parse(e.start) > now),
      'booked ahead',
    );
    const ids = new Set(practice.sessions.map((s) => sessionICalUId(s.id)));
    assert.equal(ids.size, practice.sessions.length, 'one iCalUId per session');
  });
});
