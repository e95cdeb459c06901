// Reads the sessions around now from Dataverse (30 days back, 60 ahead), through the table mapping.
import { filters } from '../dataverse';
import { tableLoader } from './rowSource';
import { sessionFromRow, sessionRowColumns, type Session } from './session';

const DAY = 86_400_000;

export const loadSessions = tableLoader<Session>((tables, now) => {
  const start = tables.session.columns.start;
  return {
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
  };
});
