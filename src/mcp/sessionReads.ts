// The reads the agent's session tools share: the sessions of a span of local days (today, this week, or dates
// the agent names), each with its payment state, its note flag, why it needs attention and its reminders'
// states, read through the core's loaders and the table mapping, capped so an answer stays readable.
import { filters, type DataverseClient } from '../core/dataverse';
import { ValidationError } from '../core/errors';
import type { TableMapping } from '../core/practice';
import { reminderFromRow, reminderRowColumns, type Reminder } from '../core/reminders';
import {
  groupSessions,
  loadSessions,
  readRows,
  sessionFromRow,
  sessionRowColumns,
  withNoteFlags,
  type NeedsAttentionReason,
  type Session,
} from '../core/sessions';

const DAY = 86_400_000;
/** Sessions an answer lists at most: a month of a full practice; the rest is counted, not listed. */
export const MAX_LISTED_SESSIONS = 200;
/** The longest span of days the agent may ask for at once. */
export const MAX_RANGE_DAYS = 92;
/** Session ids a reminder query names at once: 100 GUID comparisons keep the URL near 6,000 characters. */
const IDS_PER_QUERY = 100;

export type SessionSpan = { kind: 'today' } | { kind: 'week' } | { kind: 'dates'; from: string; to: string };

export interface SessionReminder {
  id: string;
  kind: Reminder['kind'];
  status: Reminder['status'];
  scheduledTime: string;
  sentTime: string | null;
}

export interface AgentSession {
  id: string;
  subject: string;
  start: string;
  end: string;
  client: string | null;
  clientId: string | null;
  status: Session['status'];
  payment: Session['payment'];
  feeCents: number | null;
  location: string | null;
  /** Whether a note is attached (read for attended sessions only). */
  hasNote: boolean | null;
  needsAttention: NeedsAttentionReason[];
  reminders: SessionReminder[];
}

/** `2026-12-03` as the local midnight that starts it. */
export function localDay(text: string, what: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
  if (!day || Number.isNaN(day.getTime()) || day.getDate() !== Number(match?.[3])) {
    throw new ValidationError(`${what}: expected a date such as 2026-12-03, not "${text}".`, {
      code: 'mcp.invalidDate',
    });
  }
  return day;
}

/** The local days [from, to] as the instants that bound them, checked for order and length. */
export function daysBetween(from: string, to: string): { start: Date; end: Date } {
  const start = localDay(from, 'from');
  const last = localDay(to, 'to');
  if (last.getTime() < start.getTime()) {
    throw new ValidationError(`to (${to}) is before from (${from}).`, { code: 'mcp.invalidRange' });
  }
  const end = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY + DAY) {
    throw new ValidationError(`Ask for at most ${MAX_RANGE_DAYS} days at once, not ${from} to ${to}.`, {
      code: 'mcp.rangeTooLong',
    });
  }
  return { start, end };
}

/** The sessions starting within [start, end), start order, with their note flags. */
export async function sessionsBetween(
  dv: DataverseClient,
  tables: TableMapping,
  start: Date,
  end: Date,
  signal?: AbortSignal,
): Promise<Session[]> {
  const column = tables.session.columns.start;
  const sessions = await readRows<Session>(
    dv,
    {
      what: 'session',
      table: tables.session,
      filter: () => filters.and(filters.onOrAfter(column, start), filters.before(column, end)),
      orderBy: column,
      formatted: true,
      columns: sessionRowColumns(tables),
      map: (row) => sessionFromRow(row, tables),
    },
    signal,
  );
  return withNoteFlags(dv, tables, sessions, signal);
}

/** The sessions of a span: today and this week as the Sessions view groups them, or the named local days. */
export async function sessionsOfSpan(
  dv: DataverseClient,
  tables: TableMapping,
  span: SessionSpan,
  now: Date,
  signal?: AbortSignal,
): Promise<{ from: string; to: string; sessions: Session[] }> {
  if (span.kind === 'dates') {
    const { start, end } = daysBetween(span.from, span.to);
    return { from: span.from, to: span.to, sessions: await sessionsBetween(dv, tables, start, end, signal) };
  }
  const groups = groupSessions(await loadSessions(dv, tables, now, signal), now);
  const sessions = span.kind === 'today' ? groups.today : [...groups.today, ...groups.thisWeek];
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const weekday = (today.getDay() + 6) % 7; // Monday = 0
  const last =
    span.kind === 'today' ? today : new Date(today.getFullYear(), today.getMonth(), today.getDate() + 6 - weekday);
  return { from: isoDay(today), to: isoDay(last), sessions };
}

export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The reminders and follow-ups of these sessions, by session id (lower case). */
export async function remindersOfSessions(
  dv: DataverseClient,
  tables: TableMapping,
  sessionIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Reminder[]>> {
  const bySession = new Map<string, Reminder[]>();
  const t = tables.scheduledMessage;
  const sessionColumn = `_${t.columns.session}_value`;
  for (let i = 0; i < sessionIds.length; i += IDS_PER_QUERY) {
    const ids = sessionIds.slice(i, i + IDS_PER_QUERY).map((id) => filters.guid(id));
    const reminders = await readRows<Reminder>(
      dv,
      {
        what: 'reminder',
        table: t,
        filter: () => filters.oneOf(sessionColumn, ids),
        orderBy: t.columns.scheduledTime,
        columns: reminderRowColumns(tables),
        map: (row) => reminderFromRow(row, tables),
      },
      signal,
    );
    for (const r of reminders) {
      const key = r.sessionId?.toLowerCase();
      if (key === undefined) continue;
      bySession.set(key, [...(bySession.get(key) ?? []), r]);
    }
  }
  return bySession;
}

/** Sessions as the agent reads them: payment, note, attention and reminders, at most `MAX_LISTED_SESSIONS`. */
export async function describeSessions(
  dv: DataverseClient,
  tables: TableMapping,
  sessions: readonly Session[],
  now: Date,
  signal?: AbortSignal,
): Promise<AgentSession[]> {
  const listed = sessions.slice(0, MAX_LISTED_SESSIONS);
  const reminders = await remindersOfSessions(
    dv,
    tables,
    listed.map((s) => s.id),
    signal,
  );
  const attention = new Map(groupSessions(listed, now).needsAttention.map((n) => [n.session.id, n.reasons]));
  return listed.map((s) => agentSession(s, attention.get(s.id) ?? [], reminders.get(s.id.toLowerCase()) ?? []));
}

export function agentSession(s: Session, needsAttention: NeedsAttentionReason[], reminders: Reminder[]): AgentSession {
  return {
    id: s.id,
    subject: s.subject,
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    client: s.clientName ?? null,
    clientId: s.clientId ?? null,
    status: s.status,
    payment: s.payment,
    feeCents: s.feeCents ?? null,
    location: s.location ?? null,
    hasNote: s.hasNote ?? null,
    needsAttention,
    reminders: reminders.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      scheduledTime: r.scheduledTime.toISOString(),
      sentTime: r.sentTime?.toISOString() ?? null,
    })),
  };
}
