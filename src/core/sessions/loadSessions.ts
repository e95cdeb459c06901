// Reads the sessions around now from Dataverse (30 days back, 60 ahead), through the table mapping.
import { filters } from '../dataverse';
import type { TableMapping } from '../practice';
import { readRows, type RowSource } from './rowSource';
import { sessionColumns, sessionFromRow, sessionRowColumns, type Session } from './session';

const DAY = 86_400_000;

export function loadSessions(
  source: RowSource,
  tables: TableMapping,
  now: Date,
  signal?: AbortSignal,
): Promise<Session[]> {
  const start = tables.session.columns.start;
  return readRows(
    source,
    {
      what: 'session',
      entitySet: tables.session.entitySet,
      primaryId: tables.session.primaryId,
      select: sessionColumns(tables),
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
}
