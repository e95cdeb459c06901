// A practice session as the product sees it, read from a Dataverse appointment row through the
// table mapping, and grouped the way the practitioner looks at a day.
import { FORMATTED_VALUE } from '../dataverse';
import { APPOINTMENT_STATE, PAYMENT_STATUS, SESSION_OUTCOME, type TableMapping } from '../practice';
import { rowValue } from './rowSource';

export type SessionStatus = 'scheduled' | 'attended' | 'noShow' | 'canceled';
export type PaymentState = keyof typeof PAYMENT_STATUS;

export interface Session {
  id: string;
  subject: string;
  clientId: string | undefined;
  clientName: string | undefined;
  start: Date;
  end: Date;
  status: SessionStatus;
  payment: PaymentState;
  feeCents: number | undefined;
  location: string | undefined;
  /** When the session was closed (completed or canceled), when the row says; for a cancellation, when it happened. */
  closedAt?: Date | undefined;
  /** Whether a note (annotation) is attached; read for attended sessions only, otherwise undefined. */
  hasNote?: boolean | undefined;
}

const FORMATTED = `@${FORMATTED_VALUE}`;

/** The columns sessionFromRow reads (the primary id aside), with the types the Web API writes them in. */
export function sessionRowColumns(tables: TableMapping) {
  const c = tables.session.columns;
  const regarding = `_${c.regarding}_value`;
  return {
    [c.subject]: rowValue.text,
    [c.start]: rowValue.dateTime,
    [c.end]: rowValue.dateTime,
    [regarding]: rowValue.text,
    [regarding + FORMATTED]: rowValue.text,
    [c.state]: rowValue.choice,
    [c.status]: rowValue.choice,
    [c.location]: rowValue.text,
    [c.fee]: rowValue.number,
    [c.outcome]: rowValue.choice,
    [c.paymentStatus]: rowValue.choice,
    [c.actualEnd]: rowValue.dateTime.nullish(),
  };
}

export function sessionFromRow(row: Record<string, unknown>, tables: TableMapping): Session {
  const c = tables.session.columns;
  const regarding = `_${c.regarding}_value`;
  return {
    id: String(row[tables.session.primaryId]),
    subject: String(row[c.subject] ?? ''),
    clientId: typeof row[regarding] === 'string' ? (row[regarding] as string) : undefined,
    clientName: typeof row[regarding + FORMATTED] === 'string' ? (row[regarding + FORMATTED] as string) : undefined,
    start: new Date(String(row[c.start])),
    end: new Date(String(row[c.end])),
    status: statusOf(row[c.state], row[c.outcome]),
    payment: paymentOf(row[c.paymentStatus]),
    feeCents: typeof row[c.fee] === 'number' ? Math.round((row[c.fee] as number) * 100) : undefined,
    location: typeof row[c.location] === 'string' ? (row[c.location] as string) : undefined,
    ...(typeof row[c.actualEnd] === 'string' ? { closedAt: new Date(row[c.actualEnd] as string) } : {}),
  };
}

function statusOf(state: unknown, outcome: unknown): SessionStatus {
  if (state === APPOINTMENT_STATE.canceled) return 'canceled';
  if (state === APPOINTMENT_STATE.completed) return outcome === SESSION_OUTCOME.noShow ? 'noShow' : 'attended';
  return 'scheduled';
}

function paymentOf(value: unknown): PaymentState {
  const entry = Object.entries(PAYMENT_STATUS).find(([, v]) => v === value);
  return (entry?.[0] as PaymentState | undefined) ?? 'none';
}

export type SessionGroupName = 'needsAttention' | 'today' | 'thisWeek' | 'later' | 'past';
/** The tree opens on Today: what needs attention follows what is coming, so today is the first screen. */
export const SESSION_GROUP_ORDER: readonly SessionGroupName[] = [
  'today',
  'thisWeek',
  'later',
  'needsAttention',
  'past',
];

/** What a person reads for each group, in the editor's tree and in `lc sessions list` alike. */
export const SESSION_GROUP_TITLES: Readonly<Record<SessionGroupName, string>> = {
  today: 'Today',
  thisWeek: 'This Week',
  later: 'Later',
  needsAttention: 'Needs Attention',
  past: 'Past 30 Days',
};

/** Why a session needs attention; when several hold, the first of this order is the `reason`. */
export type NeedsAttentionReason = 'stillScheduled' | 'unpaid' | 'noNote';

export interface NeedsAttention {
  session: Session;
  reason: NeedsAttentionReason;
  /** Every reason that holds, `reason` first (an attended session can be unpaid and without a note). */
  reasons: NeedsAttentionReason[];
}

export type SessionGroups = Record<Exclude<SessionGroupName, 'needsAttention'>, Session[]> & {
  needsAttention: NeedsAttention[];
};

const DAY = 86_400_000;

/**
 * Groups by the local day of `now` (offset in minutes east of UTC, as Date#getTimezoneOffset negated).
 * One pass, O(n log n) for the sorts: 10,000 sessions group well within a tree refresh.
 */
export function groupSessions(
  sessions: readonly Session[],
  now: Date,
  utcOffsetMinutes = -now.getTimezoneOffset(),
): SessionGroups {
  const offset = utcOffsetMinutes * 60_000;
  const startOfToday = Math.floor((now.getTime() + offset) / DAY) * DAY - offset;
  const weekday = (new Date(startOfToday + offset).getUTCDay() + 6) % 7; // Monday = 0
  const startOfNextWeek = startOfToday + (7 - weekday) * DAY;
  const groups: SessionGroups = { needsAttention: [], today: [], thisWeek: [], later: [], past: [] };
  for (const s of sessions) {
    const start = s.start.getTime();
    const reasons = attentionReasons(s, now);
    if (reasons.length > 0) groups.needsAttention.push({ session: s, reason: reasons[0], reasons });
    if (start >= startOfToday && start < startOfToday + DAY) groups.today.push(s);
    else if (start >= startOfToday + DAY && start < startOfNextWeek) groups.thisWeek.push(s);
    else if (start >= startOfNextWeek) groups.later.push(s);
    else if (start >= startOfToday - 30 * DAY) groups.past.push(s);
  }
  const startOf = (s: Session) => s.start.getTime();
  groups.today = sortedBy(groups.today, startOf);
  groups.thisWeek = sortedBy(groups.thisWeek, startOf);
  groups.later = sortedBy(groups.later, startOf);
  groups.past = sortedBy(groups.past, startOf, 'descending');
  groups.needsAttention = sortedBy(groups.needsAttention, (n) => startOf(n.session));
  return groups;
}

/**
 * A stable sort reading each item's key once: a comparator calling Date#getTime twice per comparison was most
 * of the time grouping 10,000 sessions took (bench/sessions.bench.ts).
 */
function sortedBy<T>(
  items: readonly T[],
  key: (item: T) => number,
  order: 'ascending' | 'descending' = 'ascending',
): T[] {
  const sign = order === 'ascending' ? 1 : -1;
  const keyed = items.map((item) => ({ key: key(item), item }));
  keyed.sort((a, b) => sign * (a.key - b.key));
  return keyed.map((entry) => entry.item);
}

function attentionReasons(s: Session, now: Date): NeedsAttentionReason[] {
  if (s.status === 'scheduled') return s.end.getTime() < now.getTime() ? ['stillScheduled'] : [];
  if (s.status !== 'attended') return [];
  const reasons: NeedsAttentionReason[] = [];
  if (s.payment === 'unpaid' || s.payment === 'failed') reasons.push('unpaid');
  // Only a known absence counts: `undefined` means the notes were not read.
  if (s.hasNote === false) reasons.push('noNote');
  return reasons;
}

/** What clients still owe: attended sessions with a fee that nobody has paid yet. */
export interface OutstandingPayments {
  /** Oldest first: the longest-owed debt leads. */
  sessions: Session[];
  totalCents: number;
  /** The total split by payment state (none: never charged; invoiced: waiting on the client; unpaid, failed). */
  byPayment: Partial<Record<PaymentState, number>>;
}

const OWED: ReadonlySet<PaymentState> = new Set(['none', 'unpaid', 'invoiced', 'failed']);

export function outstandingPayments(sessions: readonly Session[], now: Date): OutstandingPayments {
  const owed = sessions.filter(
    (s) =>
      s.status === 'attended' &&
      s.end.getTime() <= now.getTime() &&
      s.feeCents !== undefined &&
      s.feeCents > 0 &&
      OWED.has(s.payment),
  );
  const byPayment: Partial<Record<PaymentState, number>> = {};
  let totalCents = 0;
  for (const s of owed) {
    totalCents += s.feeCents!;
    byPayment[s.payment] = (byPayment[s.payment] ?? 0) + s.feeCents!;
  }
  return { sessions: sortedBy(owed, (s) => s.start.getTime()), totalCents, byPayment };
}
