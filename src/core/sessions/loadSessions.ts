// Reads the sessions around now from Dataverse (30 days back, 60 ahead), through the table mapping.
import type { TableMapping } from '../practice';
import { sessionColumns, sessionFromRow, type Session } from './session';

/** What the loader needs of a Dataverse client: a streamed query. */
export interface RowSource {
  query(
    entitySet: string,
    options: {
      select?: string[];
      filter?: string;
      orderBy?: string;
      formatted?: boolean;
      pageSize?: number;
      signal?: AbortSignal;
    },
  ): AsyncIterable<Record<string, unknown>>;
}

export async function loadSessions(
  source: RowSource,
  tables: TableMapping,
  now: Date,
  signal?: AbortSignal,
): Promise<Session[]> {
  const from = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const to = new Date(now.getTime() + 60 * 86_400_000).toISOString();
  const start = tables.session.columns.start;
  const sessions: Session[] = [];
  // The dates are ours (ISO strings), never user input, so they are safe inside $filter.
  for await (const row of source.query(tables.session.entitySet, {
    select: sessionColumns(tables),
    filter: `${start} ge ${from} and ${start} le ${to}`,
    orderBy: `${start} asc`,
    formatted: true,
    pageSize: 500,
    signal,
  })) {
    sessions.push(sessionFromRow(row, tables));
  }
  return sessions;
}
