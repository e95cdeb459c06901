// How the day is shown: sessions grouped by local day and week, what needs attention, reminders
// grouped by what the practitioner must do; and stores that keep the last good data when offline.
import { strict as assert } from 'node:assert';
import { DEFAULT_TABLES, APPOINTMENT_STATE, PAYMENT_STATUS, SESSION_OUTCOME } from '../../../src/core/practice';
import { groupReminders } from '../../../src/core/reminders';
import { groupSessions, sessionFromRow, type Session } from '../../../src/core/sessions';
import { DataStore } from '../../../src/core/store';
import { ExternalServiceError } from '../../../src/core/errors';
import { clockReading } from '../../builders/fakeClock';
import { aReminder, aSession } from '../../builders/sessionBuilder';

// Wednesday 25 November 2026, 09:00 UTC; the practice is at UTC+1.
const NOW = new Date('2026-11-25T09:00:00Z');
const OFFSET = 60;

describe('session groups', () => {
  it('puts sessions in Today, This Week, Later and Past by the local day', () => {
    const today = aSession().at('2026-11-25T15:00:00Z').build();
    const lateTonightLocal = aSession().at('2026-11-25T22:30:00Z').build(); // 23:30 local: still today
    const friday = aSession().at('2026-11-27T09:00:00Z').build();
    const nextMonday = aSession().at('2026-11-30T09:00:00Z').build();
    const lastWeek = aSession().attended().paid().at('2026-11-18T09:00:00Z').build();
    const groups = groupSessions([nextMonday, friday, lateTonightLocal, today, lastWeek], NOW, OFFSET);
    assert.deepEqual(groups.today, [today, lateTonightLocal]);
    assert.deepEqual(groups.thisWeek, [friday]);
    assert.deepEqual(groups.later, [nextMonday]);
    assert.deepEqual(groups.past, [lastWeek]);
    assert.deepEqual(groups.needsAttention, []);
  });

  it('flags past sessions still scheduled and attended sessions left unpaid', () => {
    const forgotten = aSession().at('2026-11-24T09:00:00Z').build();
    const unpaid = aSession().attended().unpaid().at('2026-11-20T09:00:00Z').build();
    const canceled = aSession().canceled().at('2026-11-23T09:00:00Z').build();
    const groups = groupSessions([forgotten, unpaid, canceled], NOW, OFFSET);
    assert.deepEqual(
      groups.needsAttention.map((n) => [n.session.id, n.reason]),
      [
        [unpaid.id, 'unpaid'],
        [forgotten.id, 'stillScheduled'],
      ],
    );
  });

  it('lists Past newest first, keeping sessions that start together in their loaded order', () => {
    const monday = aSession().attended().paid().at('2026-11-23T09:00:00Z').build();
    const lastWeek = aSession().attended().paid().at('2026-11-18T09:00:00Z').build();
    const alsoLastWeek = aSession().attended().paid().at('2026-11-18T09:00:00Z').build();
    const yesterday = aSession().attended().paid().at('2026-11-24T09:00:00Z').build();
    const groups = groupSessions([lastWeek, monday, alsoLastWeek, yesterday], NOW, OFFSET);
    assert.deepEqual(groups.past, [yesterday, monday, lastWeek, alsoLastWeek]);
  });

  it('groups 10,000 sessions in one pass', () => {
    const many: Session[] = Array.from({ length: 10_000 }, (_, i) =>
      aSession()
        .at(new Date(NOW.getTime() + (i - 5000) * 3_600_000))
        .build(),
    );
    const groups = groupSessions(many, NOW, OFFSET);
    const placed = groups.today.length + groups.thisWeek.length + groups.later.length + groups.past.length;
    assert.ok(placed > 5000 && placed <= 10_000);
  });

  it('reads an appointment row through the table mapping', () => {
    const c = DEFAULT_TABLES.session.columns;
    const session = sessionFromRow(
      {
        activityid: 'a1',
        [c.subject]: 'Therapy',
        [c.start]: '2026-11-25T10:00:00Z',
        [c.end]: '2026-11-25T10:50:00Z',
        _regardingobjectid_value: 'c1',
        '_regardingobjectid_value@OData.Community.Display.V1.FormattedValue': 'Jamie Lee',
        [c.state]: APPOINTMENT_STATE.completed,
        [c.outcome]: SESSION_OUTCOME.noShow,
        [c.paymentStatus]: PAYMENT_STATUS.unpaid,
        [c.fee]: 90,
      },
      DEFAULT_TABLES,
    );
    assert.deepEqual(
      [session.clientName, session.status, session.payment, session.feeCents],
      ['Jamie Lee', 'noShow', 'unpaid', 9000],
    );
  });
});

describe('reminder groups', () => {
  it('counts approved, due and unsent reminders as Due Now', () => {
    const due = aReminder().approved().at('2026-11-25T08:00:00Z').build();
    const later = aReminder().approved().at('2026-11-25T12:00:00Z').build();
    const draft = aReminder().build();
    const failed = aReminder().failed().build();
    const sent = aReminder().sent().build();
    const groups = groupReminders([later, sent, failed, draft, due], NOW);
    assert.deepEqual(groups.dueNow, [due]);
    assert.deepEqual(groups.scheduled, [later]);
    assert.deepEqual(groups.needsApproval, [draft]);
    assert.deepEqual(groups.failed, [failed]);
    assert.deepEqual(groups.sent, [sent]);
  });

  it('shows the 50 most recently sent reminders in Sent (recent), newest first', () => {
    const MINUTE = 60_000;
    const start = Date.parse('2026-11-20T08:00:00Z');
    // 60 reminders sent a minute after they were due, given in no particular order.
    const sent = Array.from({ length: 60 }, (_, i) =>
      aReminder()
        .sent(new Date(start + i * 10 * MINUTE + MINUTE))
        .at(new Date(start + i * 10 * MINUTE))
        .build(),
    );
    const shuffled = [...sent.filter((_, i) => i % 2 === 1), ...sent.filter((_, i) => i % 2 === 0).reverse()];
    // Due a week ago, it failed and was retried just now: the practitioner looks for it at the top.
    const retried = aReminder().sent('2026-11-25T08:59:00Z').at('2026-11-18T09:00:00Z').build();
    const groups = groupReminders([...shuffled, retried], NOW);
    assert.equal(groups.sent.length, 50);
    assert.equal(groups.sent[0], retried, 'the one sent last comes first');
    assert.deepEqual(groups.sent.slice(1), sent.slice(11).reverse(), 'then the 49 sent before it, newest first');
  });
});

describe('DataStore', () => {
  it('keeps the last good data and marks when it went offline', async () => {
    const clock = { now: new Date('2026-11-25T09:00:00Z') };
    const store = new DataStore<number[]>(clockReading(() => clock.now.getTime()));
    const changes: number[] = [];
    store.onDidChange(() => changes.push(1));
    await store.refresh(async () => [1, 2, 3]);
    clock.now = new Date('2026-11-25T09:05:00Z');
    await store.refresh(async () => {
      throw new ExternalServiceError('Dataverse looks unavailable', { code: 'x' });
    });
    assert.deepEqual(store.current.data, [1, 2, 3]);
    assert.equal(store.current.error?.message, 'Dataverse looks unavailable');
    assert.deepEqual(store.current.offlineSince, clock.now);
    await store.refresh(async () => [4]);
    assert.deepEqual(
      [store.current.data, store.current.offlineSince, store.current.error],
      [[4], undefined, undefined],
    );
    assert.ok(changes.length >= 6, 'each refresh announces loading and its outcome');
  });

  it('shares one load between concurrent refreshes', async () => {
    const store = new DataStore<number>();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setImmediate(r));
      return loads;
    };
    await Promise.all([store.refresh(load), store.refresh(load), store.refresh(load)]);
    assert.equal(loads, 1);
  });
});
