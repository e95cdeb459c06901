// Reads the sessions around now from Dataverse (30 days back, 60 ahead), through the table mapping, and
// which attended ones have a note (one more query per 100 attended sessions), for Needs Attention.
import { filters } from '../dataverse';
import { withNoteFlags } from './notes';
import { readRows, type TableLoader } from './rowSource';
import { sessionFromRow, sessionRowColumns, type Session } from './session';

const DAY = 86_400_000;

export const loadSessions: TableLoader<Session> = async (source, tables, now, signal) => {
  const start = tables.session.columns.start;
  const sessions = await readRows<Session>(
    source,
    {
      what: 'session',
      table: tables.session,
      filter: () =>
        filters.and(
          filters.onOrAfter(start, new Date(now.getTime() - 30 * DAY)),
          filters.onOrBefore(start, new Date(now.getTime() + 60 * DAY)),
        ),
      orderBy: start,
      formatted: true,
      columns: sessionRowColumns(tables),
      map: (row) => sessionFromRow(row, tables),
    },
    signal,
  );
  return withNoteFlags(source, tables, sessions, signal);
};
