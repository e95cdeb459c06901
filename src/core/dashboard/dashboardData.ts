// The dashboard's four charts from the sessions and reminders the editor's stores hold. Days, weeks and months
// are the practitioner's local ones (timeZone); each bar keeps the ids of the sessions behind it, so a click on
// it can offer them. Definitions, as the captions say them:
// - late cancellation: a canceled session whose cancel time (the row's actualend) lies less than 24 h before its
//   start, or after it; a cancellation without a recorded time is counted as canceled, not as late;
// - a session "had a reminder" when a reminder (not a follow-up) linked to it was sent.
import type { Reminder } from '../reminders';
import { outstandingPayments, type Session } from '../sessions';
import {
  addDays,
  addMonths,
  labelOfDay,
  labelOfMonth,
  labelOfWeek,
  localDate,
  monthOf,
  weekStart,
} from './localCalendar';
import type { Chart, ChartBar, ChartSeries, DashboardData, Debt, MoneyChart, RemindersChart } from './types';

export interface DashboardInput {
  sessions: readonly Session[];
  reminders: readonly Reminder[];
  now: Date;
  /** IANA time zone the practitioner's days begin in (the editor's). */
  timeZone: string;
  /** Whether the profile can charge (a Stripe key is set); without it the money panel says what it needs. */
  paymentsConfigured: boolean;
  /** The fees' currency (settings payments.currency); eur when not given. */
  currency?: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A cancellation less than this before the start is late. */
export const LATE_CANCELLATION_MS = 24 * HOUR;
export const MONEY_WEEKS = 12;
export const ATTENDANCE_MONTHS = 3;
/** The reminders chart: the last 14 days and the next 7 (the reminders store reads two weeks back). */
export const REMINDER_DAYS_BACK = 13;
export const REMINDER_DAYS_AHEAD = 7;
export const OLDEST_DEBTS = 5;

export function dashboardData(input: DashboardInput): DashboardData {
  const today = localDate(input.now, input.timeZone);
  const dayOf = (d: Date) => localDate(d, input.timeZone);
  return {
    week: weekChart(input.sessions, today, dayOf),
    money: moneyChart(input, today, dayOf),
    attendance: attendanceChart(input.sessions, input.now, today, dayOf),
    reminders: remindersChart(input, today, dayOf),
    generatedAt: input.now.toISOString(),
    timeZone: input.timeZone,
  };
}

type DayOf = (instant: Date) => string;

/** Bars keyed in order, filled by putting each item into one series of one bar. */
class Bars {
  private readonly byKey = new Map<string, ChartBar>();
  constructor(
    keys: readonly string[],
    label: (key: string) => string,
    private readonly series: readonly ChartSeries[],
  ) {
    for (const key of keys)
      this.byKey.set(key, {
        key,
        label: label(key),
        values: series.map(() => 0),
        sessionIds: series.map(() => []),
      });
  }
  bar(key: string): ChartBar | undefined {
    return this.byKey.get(key);
  }
  add(key: string, seriesKey: string, amount: number, sessionId: string | undefined): void {
    const bar = this.byKey.get(key);
    const index = this.series.findIndex((s) => s.key === seriesKey);
    if (!bar || index < 0) return;
    bar.values[index] += amount;
    const ids = bar.sessionIds[index];
    if (sessionId && !ids.includes(sessionId)) ids.push(sessionId);
  }
  list(): ChartBar[] {
    return [...this.byKey.values()];
  }
}

function chart(base: Omit<Chart, 'bars' | 'empty'>, bars: ChartBar[]): Chart {
  return { ...base, bars, empty: bars.every((b) => b.values.every((v) => v === 0)) };
}

const WEEK_SERIES: ChartSeries[] = [
  { key: 'attended', label: 'Attended', colour: 'green' },
  { key: 'noShow', label: 'No-show', colour: 'red' },
  { key: 'canceled', label: 'Canceled', colour: 'orange' },
  { key: 'upcoming', label: 'Upcoming', colour: 'blue' },
];

function weekChart(sessions: readonly Session[], today: string, dayOf: DayOf): Chart {
  const monday = weekStart(today);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const bars = new Bars(days, labelOfDay, WEEK_SERIES);
  for (const s of sessions) {
    const series = s.status === 'scheduled' ? 'upcoming' : s.status;
    bars.add(dayOf(s.start), series, 1, s.id);
  }
  return chart(
    {
      id: 'week',
      title: 'This Week',
      caption:
        'Sessions per day of this week (Monday to Sunday, local time): attended, no-show, canceled, and upcoming (still scheduled, including any not marked yet).',
      unit: 'count',
      stacked: true,
      series: WEEK_SERIES,
    },
    bars.list(),
  );
}

const MONEY_SERIES: ChartSeries[] = [
  { key: 'paid', label: 'Paid', colour: 'green' },
  { key: 'invoiced', label: 'Invoiced', colour: 'yellow' },
  { key: 'outstanding', label: 'Outstanding', colour: 'red' },
];

/** Where an attended session's fee goes: refunded money is no longer the practice's, so it goes nowhere. */
function moneySeries(payment: Session['payment']): string | undefined {
  if (payment === 'paid') return 'paid';
  if (payment === 'invoiced') return 'invoiced';
  if (payment === 'refunded') return undefined;
  return 'outstanding'; // none, unpaid, failed: not charged yet, or the charge failed
}

function moneyChart(input: DashboardInput, today: string, dayOf: DayOf): MoneyChart {
  const thisWeek = weekStart(today);
  const weeks = Array.from({ length: MONEY_WEEKS }, (_, i) => addDays(thisWeek, (i - MONEY_WEEKS + 1) * 7));
  const bars = new Bars(weeks, labelOfWeek, MONEY_SERIES);
  for (const s of input.sessions) {
    if (s.status !== 'attended' || !s.feeCents || s.feeCents <= 0) continue;
    const series = moneySeries(s.payment);
    if (series) bars.add(weekStart(dayOf(s.start)), series, s.feeCents, s.id);
  }
  const owed = outstandingPayments(input.sessions, input.now);
  const oldest: Debt[] = owed.sessions.slice(0, OLDEST_DEBTS).map((s) => ({
    sessionId: s.id,
    clientName: s.clientName ?? s.subject,
    start: s.start.toISOString(),
    day: dayOf(s.start),
    feeCents: s.feeCents ?? 0,
    payment: s.payment,
  }));
  const base = chart(
    {
      id: 'money',
      title: 'Money',
      caption:
        'Fees of attended sessions per week over the last 12 weeks, by payment state: paid, invoiced (waiting on the client), and outstanding (not charged yet, or the charge failed). Refunded sessions are left out.',
      unit: 'cents',
      stacked: true,
      series: MONEY_SERIES,
    },
    bars.list(),
  );
  return {
    ...base,
    currency: (input.currency ?? 'eur').toUpperCase(),
    outstanding: { totalCents: owed.totalCents, sessions: owed.sessions.length, oldest },
    ...(input.paymentsConfigured
      ? {}
      : {
          needs:
            'Payments are not set up for this profile: run "Life Cockpit: Set Stripe Keys…" to charge sessions. Until then this shows the fees and payment states recorded on the sessions.',
        }),
  };
}

const ATTENDANCE_SERIES: ChartSeries[] = [
  { key: 'noShow', label: 'No-show rate', colour: 'red' },
  { key: 'lateCancellation', label: 'Late-cancellation rate', colour: 'orange' },
];

/** Canceled less than 24 h before the start, or after it; unknown when the cancel time was not recorded. */
export function isLateCancellation(s: Session): boolean {
  return (
    s.status === 'canceled' &&
    s.closedAt !== undefined &&
    s.start.getTime() - s.closedAt.getTime() < LATE_CANCELLATION_MS
  );
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function attendanceChart(sessions: readonly Session[], now: Date, today: string, dayOf: DayOf): Chart {
  const thisMonth = monthOf(today);
  const months = Array.from({ length: ATTENDANCE_MONTHS }, (_, i) => addMonths(thisMonth, i - ATTENDANCE_MONTHS + 1));
  const counts = new Bars(months, labelOfMonth, ATTENDANCE_SERIES);
  const outOf = new Map(months.map((m) => [m, 0]));
  for (const s of sessions) {
    if (s.status === 'scheduled' || s.start.getTime() > now.getTime()) continue;
    const month = monthOf(dayOf(s.start));
    if (!outOf.has(month)) continue;
    outOf.set(month, (outOf.get(month) ?? 0) + 1);
    if (s.status === 'noShow') counts.add(month, 'noShow', 1, s.id);
    if (isLateCancellation(s)) counts.add(month, 'lateCancellation', 1, s.id);
  }
  const bars = counts.list().map((bar) => {
    const total = outOf.get(bar.key) ?? 0;
    return { ...bar, values: bar.values.map((n) => percent(n, total)), counts: bar.values, outOf: total };
  });
  return chart(
    {
      id: 'attendance',
      title: 'Attendance',
      caption:
        'No-show and late-cancellation rates per month, of the sessions that started that month and took place, were missed or were canceled. Late: canceled less than 24 hours before the start (cancellations without a recorded time are not counted as late).',
      unit: 'percent',
      stacked: false,
      series: ATTENDANCE_SERIES,
    },
    bars,
  );
}

const REMINDER_SERIES: ChartSeries[] = [
  { key: 'sent', label: 'Sent', colour: 'green' },
  { key: 'failed', label: 'Failed', colour: 'red' },
  { key: 'pending', label: 'Pending', colour: 'blue' },
];

/** Needs-check rows wait on a person as failed ones do; cancelled messages are not shown. */
function reminderSeries(status: Reminder['status']): string | undefined {
  if (status === 'sent') return 'sent';
  if (status === 'failed' || status === 'needsCheck') return 'failed';
  if (status === 'cancelled') return undefined;
  return 'pending'; // draft, approved, sending
}

function remindersChart(input: DashboardInput, today: string, dayOf: DayOf): RemindersChart {
  const days = Array.from({ length: REMINDER_DAYS_BACK + 1 + REMINDER_DAYS_AHEAD }, (_, i) =>
    addDays(today, i - REMINDER_DAYS_BACK),
  );
  const bars = new Bars(days, labelOfDay, REMINDER_SERIES);
  for (const r of input.reminders) {
    const series = reminderSeries(r.status);
    if (!series) continue;
    const at = r.status === 'sent' ? (r.sentTime ?? r.scheduledTime) : r.scheduledTime;
    bars.add(dayOf(at), series, 1, r.sessionId?.toLowerCase());
  }
  const base = chart(
    {
      id: 'reminders',
      title: 'Reminders',
      caption:
        'Messages to clients per day, the last 14 days and the next 7: sent (on the day sent), failed or waiting for a check, and pending (draft, approved or sending, on the day scheduled).',
      unit: 'count',
      stacked: true,
      series: REMINDER_SERIES,
    },
    bars.list(),
  );
  return { ...base, share: reminderShare(input) };
}

function reminderShare(input: DashboardInput): RemindersChart['share'] {
  const now = input.now.getTime();
  const recent = input.sessions.filter(
    (s) => s.status !== 'canceled' && s.start.getTime() <= now && s.start.getTime() >= now - 7 * DAY,
  );
  const reminded = new Set(
    input.reminders
      .filter((r) => r.kind === 'reminder' && r.status === 'sent' && r.sessionId)
      .map((r) => r.sessionId!.toLowerCase()),
  );
  const without = recent.filter((s) => !reminded.has(s.id.toLowerCase()));
  const withReminder = recent.length - without.length;
  return {
    sessions: recent.length,
    withReminder,
    percent: recent.length === 0 ? undefined : percent(withReminder, recent.length),
    withoutIds: without.map((s) => s.id),
  };
}

/** The sessions behind one bar of a chart: one series of it, or all of them; none for an unknown bar. */
export function sessionIdsBehind(
  data: DashboardData,
  chartId: Chart['id'],
  barKey: string,
  seriesKey?: string,
): string[] {
  const shown: Chart = data[chartId];
  const bar = shown.bars.find((b) => b.key === barKey);
  if (!bar) return [];
  const index = seriesKey === undefined ? -1 : shown.series.findIndex((s) => s.key === seriesKey);
  if (seriesKey !== undefined && index < 0) return [];
  const lists = index < 0 ? bar.sessionIds : [bar.sessionIds[index]];
  return [...new Set(lists.flat())];
}
