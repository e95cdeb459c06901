// The dashboard's charts: local days in the practitioner's time zone (not UTC's, not the process's), weeks
// across a daylight-saving change, money by payment state, late cancellations, reminders, and empty weeks.
import { strict as assert } from 'node:assert';
import { dashboardData, sessionIdsBehind, type Chart, type DashboardData } from '../../../src/core/dashboard';
import type { Reminder } from '../../../src/core/reminders';
import type { Session } from '../../../src/core/sessions';
import { aReminder, aSession } from '../../builders/sessionBuilder';

const NOW = new Date('2026-12-02T10:00:00Z'); // Wednesday
const BERLIN = 'Europe/Berlin';

function data(
  sessions: Session[],
  options: { reminders?: Reminder[]; now?: Date; timeZone?: string; paymentsConfigured?: boolean } = {},
): DashboardData {
  return dashboardData({
    sessions,
    reminders: options.reminders ?? [],
    now: options.now ?? NOW,
    timeZone: options.timeZone ?? BERLIN,
    paymentsConfigured: options.paymentsConfigured ?? true,
  });
}

/** bar key → { series key → session ids } for the bars with anything in them. */
function filled(chart: Chart): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const bar of chart.bars)
    chart.series.forEach((series, i) => {
      if (bar.values[i] !== 0) (out[bar.key] ??= {})[series.key] = bar.sessionIds[i];
    });
  return out;
}

describe('dashboard data', () => {
  it('puts a session on its local day in the practitioner’s time zone, not on UTC’s', () => {
    // 00:30 on Thursday in Berlin is still Wednesday in UTC; 23:30 on Tuesday in New York is Wednesday in UTC.
    const berlin = aSession().id('berlin').at('2026-12-02T23:30:00Z').build();
    assert.deepEqual(filled(data([berlin]).week), { '2026-12-03': { upcoming: ['berlin'] } });
    const newYork = aSession().id('ny').attended().at('2026-12-02T04:30:00Z').build();
    assert.deepEqual(filled(data([newYork], { timeZone: 'America/New_York' }).week), {
      '2026-12-01': { attended: ['ny'] },
    });
    // 23:30 local in Berlin stays on its day, including a Sunday at the week's end.
    const sunday = aSession().id('sun').at('2026-12-06T22:30:00Z').build();
    assert.deepEqual(filled(data([sunday]).week), { '2026-12-06': { upcoming: ['sun'] } });
  });

  it('keeps seven days in a week across the change from summer time', () => {
    // Berlin leaves summer time on Sunday 25 October 2026: that week lasts 169 hours.
    const now = new Date('2026-10-25T12:00:00Z');
    const monday = aSession().id('mon').attended().at('2026-10-18T22:30:00Z').build(); // Mon 00:30 CEST
    const sunday = aSession().id('sun').at('2026-10-25T22:30:00Z').build(); // Sun 23:30 CET
    const before = aSession().id('before').attended().at('2026-10-18T21:30:00Z').build(); // Sun 18th 23:30 CEST
    const week = data([monday, sunday, before], { now }).week;
    assert.deepEqual(
      week.bars.map((b) => b.key),
      ['2026-10-19', '2026-10-20', '2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25'],
    );
    assert.equal(week.bars[0].label, 'Mon 19 Oct');
    assert.deepEqual(filled(week), { '2026-10-19': { attended: ['mon'] }, '2026-10-25': { upcoming: ['sun'] } });
    const weeks = data([], { now }).money.bars.map((b) => b.key);
    assert.equal(weeks.length, 12);
    assert.equal(weeks.at(-1), '2026-10-19');
    assert.equal(weeks[0], '2026-08-03');
  });

  it('counts paid, invoiced and outstanding fees per week, leaving out refunded and fee-less sessions', () => {
    const sessions = [
      aSession().id('paid').attended().paid().fee(9000).at('2026-11-30T09:00:00Z').build(),
      aSession().id('inv').attended().payment('invoiced').fee(12000).at('2026-12-01T09:00:00Z').build(),
      aSession().id('unpaid').attended().unpaid().fee(8000).at('2026-11-24T09:00:00Z').build(),
      aSession().id('failed').attended().payment('failed').fee(5000).at('2026-11-25T09:00:00Z').build(),
      aSession().id('refunded').attended().payment('refunded').fee(9000).at('2026-11-26T09:00:00Z').build(),
      aSession().id('free').attended().unpaid().fee(undefined).at('2026-11-27T09:00:00Z').build(),
      aSession().id('zero').attended().unpaid().fee(0).at('2026-11-27T10:00:00Z').build(),
      aSession().id('noshow').noShow().unpaid().fee(9000).at('2026-11-27T11:00:00Z').build(),
    ];
    const all = data(sessions);
    const { money } = all;
    assert.deepEqual(sessionIdsBehind(all, 'money', '2026-11-30'), ['paid', 'inv']);
    assert.deepEqual(sessionIdsBehind(all, 'money', '2026-11-23', 'outstanding'), ['unpaid', 'failed']);
    assert.deepEqual(sessionIdsBehind(all, 'money', '2026-11-23', 'nonsense'), []);
    assert.deepEqual(filled(money), {
      '2026-11-30': { paid: ['paid'], invoiced: ['inv'] },
      '2026-11-23': { outstanding: ['unpaid', 'failed'] },
    });
    const thisWeek = money.bars.at(-1)!;
    assert.deepEqual(thisWeek.values, [9000, 12000, 0]);
    assert.equal(money.bars.find((b) => b.key === '2026-11-23')!.values[2], 13000);
    assert.equal(money.outstanding.totalCents, 25000);
    assert.deepEqual(
      money.outstanding.oldest.map((d) => d.sessionId),
      ['unpaid', 'failed', 'inv'],
    );
    assert.equal(money.needs, undefined);
  });

  it('says what the money panel needs when the profile has no payments, and still shows what is owed', () => {
    const owed = aSession().id('owed').attended().unpaid().fee(9000).at('2026-11-30T09:00:00Z').build();
    const { money } = data([owed], { paymentsConfigured: false });
    assert.match(money.needs ?? '', /Set Stripe Keys/);
    assert.equal(money.outstanding.totalCents, 9000);
    assert.deepEqual(filled(money), { '2026-11-30': { outstanding: ['owed'] } });
  });

  it('draws an empty week, with every day and week and month there and nothing in them', () => {
    const d = data([]);
    assert.equal(d.week.bars.length, 7);
    assert.ok(d.week.empty && d.money.empty && d.attendance.empty && d.reminders.empty);
    assert.equal(d.money.bars.length, 12);
    assert.deepEqual(
      d.attendance.bars.map((b) => [b.key, b.label, b.values, b.outOf]),
      [
        ['2026-10', 'October 2026', [0, 0], 0],
        ['2026-11', 'November 2026', [0, 0], 0],
        ['2026-12', 'December 2026', [0, 0], 0],
      ],
    );
    assert.equal(d.reminders.bars.length, 21);
    assert.deepEqual(d.reminders.share, { sessions: 0, withReminder: 0, percent: undefined, withoutIds: [] });
    assert.deepEqual(d.money.outstanding, { totalCents: 0, sessions: 0, oldest: [] });
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(d))), JSON.stringify(d), 'plain JSON');
  });

  it('counts a cancellation less than 24 hours before the start as late, and one without a time as not late', () => {
    const start = '2026-11-10T09:00:00Z';
    const sessions = [
      aSession().id('late').at(start).canceledAt('2026-11-09T10:00:00Z').build(), // 23 h before
      aSession().id('after').at(start).canceledAt('2026-11-10T09:30:00Z').build(), // after it began
      aSession().id('early').at(start).canceledAt('2026-11-09T08:00:00Z').build(), // 25 h before
      aSession().id('unknown').canceled().at(start).build(),
      aSession().id('missed').noShow().at(start).build(),
      aSession().id('came').attended().at(start).build(),
      aSession().id('came2').attended().at(start).build(),
      aSession().id('unmarked').at(start).build(), // still scheduled: not counted
      aSession().id('october').noShow().at('2026-10-31T23:30:00Z').build(), // 1 November in Berlin
      aSession().id('next').at('2026-12-20T09:00:00Z').canceledAt('2026-12-01T09:00:00Z').build(), // ahead
    ];
    const { attendance } = data(sessions);
    const november = attendance.bars.find((b) => b.key === '2026-11')!;
    assert.equal(november.outOf, 8);
    assert.deepEqual(november.counts, [2, 2]);
    assert.deepEqual(november.values, [25, 25]);
    assert.deepEqual(november.sessionIds, [
      ['missed', 'october'],
      ['late', 'after'],
    ]);
    assert.deepEqual(attendance.bars.find((b) => b.key === '2026-12')!.outOf, 0);
  });

  it('counts reminders sent, failed and pending per local day, and the share of last week’s sessions reminded', () => {
    const a = aSession().id('a').attended().at('2026-12-01T09:00:00Z').build();
    const b = aSession().id('b').attended().at('2026-11-30T09:00:00Z').build();
    const c = aSession().id('c').canceled().at('2026-11-29T09:00:00Z').build();
    const reminders = [
      aReminder().forSession('A').at('2026-11-30T09:00:00Z').sentAt('2026-11-30T23:10:00Z').build(), // 1 Dec local
      aReminder().forSession('b').at('2026-11-29T09:00:00Z').failed().build(),
      aReminder().forSession('b').at('2026-11-29T10:00:00Z').status('needsCheck').build(),
      aReminder().forSession('b').at('2026-11-29T09:00:00Z').followUp().sentAt('2026-11-29T09:00:00Z').build(),
      aReminder().forSession('c').at('2026-11-28T09:00:00Z').status('cancelled').build(),
      aReminder().forSession('x').at('2026-12-05T09:00:00Z').approved().build(),
      aReminder().at('2026-12-05T10:00:00Z').build(), // a draft for no session
      aReminder().forSession('old').at('2026-11-01T10:00:00Z').sentAt('2026-11-01T10:00:00Z').build(), // before the chart
    ];
    const r = data([a, b, c], { reminders }).reminders;
    assert.deepEqual(filled(r), {
      '2026-12-01': { sent: ['a'] },
      '2026-11-29': { failed: ['b'], sent: ['b'] },
      '2026-12-05': { pending: ['x'] },
    });
    assert.deepEqual(r.bars.find((bar) => bar.key === '2026-12-05')!.values, [0, 0, 2]);
    assert.deepEqual(r.bars.find((bar) => bar.key === '2026-11-29')!.values, [1, 2, 0]);
    assert.equal(r.bars[0].key, '2026-11-19');
    assert.equal(r.bars.at(-1)!.key, '2026-12-09');
    // a had a reminder sent; b only a follow-up; c was canceled.
    assert.deepEqual(r.share, { sessions: 2, withReminder: 1, percent: 50, withoutIds: ['b'] });
  });
});
