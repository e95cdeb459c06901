// The Graph sandbox's calendar: seeded session events, calendarView's required window, event
// create/get/patch/delete, Prefer: outlook.timezone and the role split between read and write.

import assert from 'node:assert/strict';
import { PRACTITIONER_ID, aGraphWorld, call, type TestWorld } from './graphTestContext';

const base = `/v1.0/users/${PRACTITIONER_ID}`;
const week = `${base}/calendarView?startDateTime=2025-03-10T00:00:00Z&endDateTime=2025-03-17T00:00:00Z`;

const anEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: 'Supervision',
  start: { dateTime: '2025-03-13T10:00:00', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2025-03-13T11:00:00', timeZone: 'W. Europe Standard Time' },
  location: { displayName: 'Practice room 2' },
  attendees: [{ emailAddress: { address: 'sam.whitfield@contoso-practice.test', name: 'Sam' }, type: 'required' }],
  ...overrides,
});

describe('sandbox graph: calendar', () => {
  let world: TestWorld;
  beforeEach(() => {
    world = aGraphWorld();
  });

  it("shows the week's calendar sessions in calendarView, cancelled ones flagged", async () => {
    const answer = await call(world.service, 'GET', week);
    assert.equal(answer.status, 200);
    assert.equal(
      answer.body['@odata.context'],
      `https://localhost:8443/graph/v1.0/$metadata#users('${PRACTITIONER_ID}')/calendarView`,
    );
    // s-1 and s-2 fall in the week; s-3 is the week after; s-4 is not in the calendar.
    assert.equal(answer.body.value.length, 2);
    const [first, second] = answer.body.value;
    assert.deepEqual(first.start, { dateTime: '2025-03-10T09:00:00.0000000', timeZone: 'UTC' });
    assert.deepEqual(first.end, { dateTime: '2025-03-10T09:50:00.0000000', timeZone: 'UTC' });
    assert.deepEqual(first.categories, ['Client session']);
    assert.equal(first.location.displayName, 'Practice room 1');
    assert.equal(first.attendees[0].emailAddress.address, 'robin.hale@example.com');
    assert.equal(first.isCancelled, false);
    assert.equal(second.isCancelled, true);
  });

  it('requires startDateTime and endDateTime on calendarView', async () => {
    const answer = await call(world.service, 'GET', `${base}/calendarView?startDateTime=2025-03-10T00:00:00Z`);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'ErrorInvalidParameter');
    assert.match(answer.body.error.message, /StartDateTime and EndDateTime/);
  });

  it('answers in the zone Prefer: outlook.timezone names and says so', async () => {
    const answer = await call(world.service, 'GET', week, {
      headers: { prefer: 'outlook.timezone="W. Europe Standard Time"' },
    });
    assert.deepEqual(answer.body.value[0].start, {
      dateTime: '2025-03-10T10:00:00.0000000',
      timeZone: 'W. Europe Standard Time',
    });
    assert.equal(answer.headers['preference-applied'], 'outlook.timezone="W. Europe Standard Time"');
  });

  it('creates, reads, patches and deletes an event', async () => {
    const created = await call(world.service, 'POST', `${base}/events`, { body: anEvent() });
    assert.equal(created.status, 201);
    // 10:00 in Berlin (CET, UTC+1 in March before DST) is 09:00 UTC.
    assert.deepEqual(created.body.start, { dateTime: '2025-03-13T09:00:00.0000000', timeZone: 'UTC' });
    assert.equal(created.body.originalStartTimeZone, 'W. Europe Standard Time');
    const id = created.body.id as string;
    const got = await call(world.service, 'GET', `${base}/events/${id}?$select=subject`);
    assert.deepEqual(Object.keys(got.body).sort(), ['@odata.context', '@odata.etag', 'id', 'subject']);
    const patched = await call(world.service, 'PATCH', `${base}/events/${id}`, {
      body: { subject: 'Supervision (moved)' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.subject, 'Supervision (moved)');
    assert.notEqual(patched.body.changeKey, created.body.changeKey);
    assert.equal((await call(world.service, 'DELETE', `${base}/events/${id}`)).status, 204);
    const gone = await call(world.service, 'GET', `${base}/events/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'ErrorItemNotFound');
  });

  it('does not create the same event twice for one transactionId', async () => {
    const first = await call(world.service, 'POST', `${base}/events`, { body: anEvent({ transactionId: 'tx-1' }) });
    const again = await call(world.service, 'POST', `${base}/events`, { body: anEvent({ transactionId: 'tx-1' }) });
    assert.equal(again.body.id, first.body.id);
    const all = await call(world.service, 'GET', `${base}/events?$top=50`);
    assert.equal(all.body.value.filter((e: { subject: string }) => e.subject === 'Supervision').length, 1);
  });

  it('refuses an event without start or end, or ending before it starts', async () => {
    const noEnd = await call(world.service, 'POST', `${base}/events`, { body: anEvent({ end: undefined }) });
    assert.equal(noEnd.status, 400);
    const backwards = await call(world.service, 'POST', `${base}/events`, {
      body: anEvent({ end: { dateTime: '2025-03-13T08:00:00', timeZone: 'UTC' } }),
    });
    assert.equal(backwards.status, 400);
  });

  it('lets Calendars.Read read but not write', async () => {
    const read = await call(world.service, 'GET', week, { roles: ['Calendars.Read'] });
    assert.equal(read.status, 200);
    const write = await call(world.service, 'POST', `${base}/events`, { body: anEvent(), roles: ['Calendars.Read'] });
    assert.equal(write.status, 403);
    assert.equal(write.body.error.code, 'ErrorAccessDenied');
  });

  it('counts events per mailbox in inspect()', () => {
    const inspection = world.service.inspect() as { mailboxes: Array<{ id: string; events: number }> };
    assert.equal(inspection.mailboxes.find((m) => m.id === PRACTITIONER_ID)?.events, 3);
  });
});
