// The one query loop sessions and reminders read Dataverse through: the filter comes from the Dataverse
// module's escaping builder, every column named by the table mapping (`lifeCockpit.tables`) passes the
// builder's column check before anything is sent, and each row is checked by a zod schema before it is
// mapped, so a row that does not fit fails with a message naming the row and the column.
import { z } from 'zod';
import { filters, isGuid, type Filter } from '../dataverse';
import { ExternalServiceError } from '../errors';

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
  entitySet: string;
  primaryId: string;
  select: readonly string[];
  /** A function, so that a column the builder refuses throws here, before the query is sent. */
  filter: () => Filter;
  /** The column the rows come back ordered by (ascending). */
  orderBy: string;
  formatted?: boolean;
  /** The columns the mapping reads (the primary id is checked to be a GUID besides). */
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

export async function readRows<T>(source: RowSource, query: TableQuery<T>, signal?: AbortSignal): Promise<T[]> {
  const filter = query.filter();
  const select = query.select.map(filters.checkColumn);
  const orderBy = `${filters.checkColumn(query.orderBy)} asc`;
  const schema = z.looseObject({ ...query.columns, [query.primaryId]: z.string().refine(isGuid, 'not a GUID') });
  const items: T[] = [];
  for await (const row of source.query(query.entitySet, {
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
  const id = typeof row[query.primaryId] === 'string' ? (row[query.primaryId] as string) : '(without an id)';
  return new ExternalServiceError(
    `Dataverse gave a ${query.what} row ${id} whose ${column} does not fit (${issue.message}). ` +
      `Check that lifeCockpit.tables maps it to the right column.`,
    { code: 'dataverse.unexpectedRow', detail: { what: query.what, id, column } },
  );
}
