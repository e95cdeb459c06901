// The one query loop sessions and reminders read Dataverse through: the filter comes from the Dataverse
// module's escaping builder, every column named by the table mapping (`lifeCockpit.tables`) passes the
// builder's column check before anything is sent, and each row is checked by a zod schema before it is
// mapped, so a row that does not fit fails with a message naming the row and the column.
import { z } from 'zod';
import { filters, isGuid, type Filter } from '../dataverse';
import { ExternalServiceError } from '../errors';
import type { TableMapping, TableNames } from '../practice';

/** What the loaders need of a Dataverse client: a streamed query. */
export interface RowSource {
  query(
    entitySet: string,
    options: {
      select?: readonly string[];
      filter?: Filter | string;
      orderBy?: string;
      formatted?: boolean;
      pageSize?: number;
      signal?: AbortSignal;
    },
  ): AsyncIterable<Record<string, unknown>>;
}

export type Row = Record<string, unknown>;

export interface TableQuery<T> {
  /** What a row is, for the message when one does not fit (`session`, `reminder`). */
  what: string;
  table: TableNames;
  /** A function, so that a column the builder refuses throws here, before the query is sent. */
  filter: () => Filter;
  /** The column the rows come back ordered by (ascending). */
  orderBy: string;
  formatted?: boolean;
  /**
   * The columns the mapping reads, with their types: what is selected (annotations aside) and checked.
   * The primary id is selected and checked to be a GUID besides.
   */
  columns: z.ZodRawShape;
  map: (row: Row) => T;
}

/** Column types as the Web API writes them; empty columns come back as null. */
export const rowValue = {
  text: z.string().nullish(),
  number: z.number().nullish(),
  choice: z.number().int().nullish(),
  dateTime: z.iso.datetime({ offset: true }),
};

export type TableLoader<T> = (source: RowSource, tables: TableMapping, now: Date, signal?: AbortSignal) => Promise<T[]>;

/** A loader of the rows around `now` that `query` describes for a table mapping. */
export function tableLoader<T>(query: (tables: TableMapping, now: Date) => TableQuery<T>): TableLoader<T> {
  return (source, tables, now, signal) => readRows(source, query(tables, now), signal);
}

export async function readRows<T>(source: RowSource, query: TableQuery<T>, signal?: AbortSignal): Promise<T[]> {
  const { table, columns } = query;
  const filter = query.filter();
  const select = [table.primaryId, ...Object.keys(columns).filter((name) => !name.includes('@'))].map(
    filters.checkColumn,
  );
  const orderBy = `${filters.checkColumn(query.orderBy)} asc`;
  const schema = z.looseObject({ ...columns, [table.primaryId]: z.string().refine(isGuid, 'not a GUID') });
  const items: T[] = [];
  for await (const row of source.query(table.entitySet, {
    select,
    filter,
    orderBy,
    ...(query.formatted ? { formatted: true } : {}),
    pageSize: 500,
    signal,
  })) {
    const parsed = schema.safeParse(row);
    if (!parsed.success) throw unexpectedRow(query, row, parsed.error);
    items.push(query.map(parsed.data));
  }
  return items;
}

function unexpectedRow(query: TableQuery<unknown>, row: Row, error: z.ZodError): ExternalServiceError {
  const issue = error.issues[0];
  const column = issue.path.map(String).join('.');
  const id = row[query.table.primaryId];
  const named = typeof id === 'string' ? id : '(without an id)';
  return new ExternalServiceError(
    `Dataverse gave a ${query.what} row ${named} whose ${column} does not fit (${issue.message}). ` +
      `Check that lifeCockpit.tables maps it to the right column.`,
    { code: 'dataverse.unexpectedRow', detail: { what: query.what, id: named, column } },
  );
}
