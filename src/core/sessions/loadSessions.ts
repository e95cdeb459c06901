// Reads the sessions around now from Dataverse (30 days back, 60 ahead; the editor's store reads further back
// for the dashboard's charts), through the table mapping, and which attended ones of the last 30 days have a
// note (one more query per 100 attended sessions), for Needs Attention.
import { filters } from '../dataverse';
import { withNoteFlags } from './notes';
import { readRows, type TableLoader } from './rowSource';
import { sessionFromRow, sessionRowColumns, type Session } from './session';

const DAY = 86_400_000;

/** Which sessions a load reads, in days around now. */
export interface SessionWindow {
  daysBack: number;
  daysAhead: number;
}

/** What the Sessions view, `lc sessions` and the agent look at. */
export const SESSION_WINDOW: SessionWindow = { daysBack: 30, daysAhead: 60 };

/**
 * The editor's sessions store: the same, and back far enough for the dashboard's 12 weeks of money and three
 * months of attendance (a month that began 92 days ago included). The Sessions view keeps to SESSION_WINDOW
 * (sessionsInWindow).
 */
export const DASHBOARD_SESSION_WINDOW: SessionWindow = { daysBack: 98, daysAhead: SESSION_WINDOW.daysAhead };

/** The sessions of `window` around now (start inclusive), as a load with SESSION_WINDOW would have read them. */
export function sessionsInWindow(
  sessions: readonly Session[],
  now: Date,
  window: SessionWindow = SESSION_WINDOW,
): Session[] {
  const from = now.getTime() - window.daysBack * DAY;
  const to = now.getTime() + window.daysAhead * DAY;
  return sessions.filter((s) => s.start.getTime() >= from && s.start.getTime() <= to);
}

export function sessionsLoader(window: SessionWindow): TableLoader<Session> {
  return async (source, tables, now, signal) => {
    const start = tables.session.columns.start;
    const sessions = await readRows<Session>(
      source,
      {
        what: 'session',
        table: tables.session,
        filter: () =>
          filters.and(
            filters.onOrAfter(start, new Date(now.getTime() - window.daysBack * DAY)),
            filters.onOrBefore(start, new Date(now.getTime() + window.daysAhead * DAY)),
          ),
        orderBy: start,
        formatted: true,
        columns: sessionRowColumns(tables),
        map: (row) => sessionFromRow(row, tables),
      },
      signal,
    );
    // Notes matter to Needs Attention only, which looks 30 days back: older sessions are not asked about.
    const recent = new Set(sessionsInWindow(sessions, now));
    const flagged = await withNoteFlags(source, tables, [...recent], signal);
    const byId = new Map(flagged.map((s) => [s.id, s]));
    return recent.size === sessions.length ? flagged : sessions.map((s) => byId.get(s.id) ?? s);
  };
}

export const loadSessions: TableLoader<Session> = sessionsLoader(SESSION_WINDOW);
