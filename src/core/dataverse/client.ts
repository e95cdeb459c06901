// The typed Dataverse Web API client every feature uses: WhoAmI, table metadata, paged queries streamed
// row by row, reads with their ETag, writes guarded by If-Match, notes, associations and `$batch`. Every
// call goes through the HTTP layer (retries, breaker, cache) with the bearer token from the TokenProvider.
import { randomUUID } from 'node:crypto';
import { CancelledError, ExternalServiceError, LifeCockpitError, ValidationError } from '../errors';
import { DEFAULT_TABLES } from '../practice';
import { runBatch } from './batch';
import { lookup, normalizeGuid } from './filter';
import { getTable, listTables, METADATA_TTL_MS } from './metadata';
import { buildQuery, collectionPath, recordPath } from './queryText';
import type { ErrorContext } from './errors';
import { DataverseTransport, FORMATTED_VALUE, type DataverseClientOptions } from './transport';
import { batchOperationApplied, createRow, deleteRow, isNotFound, updateRow, type WriteContext } from './writes';
import { nearestEntitySets, UNKNOWN_RESOURCE_CODE, unknownEntitySetError, unknownSegmentOf } from './unknownEntitySet';
import type {
  BatchOperation,
  BatchOperationResult,
  BatchOptions,
  Fetched,
  GetOptions,
  Note,
  QueryOptions,
  Row,
  TableInfo,
  TableSummary,
  WhoAmI,
  WriteOptions,
} from './types';

/** Dataverse pages at most 5000 rows (query-data-web-api); larger asks are clamped to it. */
export const MAX_PAGE_SIZE = 5000;

interface Page {
  value?: Row[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

export interface TableRef {
  logicalName: string;
  entitySet: string;
}

export class DataverseClient {
  private readonly transport: DataverseTransport;

  constructor(options: DataverseClientOptions) {
    this.transport = new DataverseTransport(options);
  }

  /** The API root (`<environment>/api/data/v9.2`). */
  get apiBase(): string {
    return this.transport.apiBase;
  }

  /** The calling (or impersonated) user, business unit and organization; cached for the metadata TTL. */
  /** `cache: 'no-store'` asks Dataverse itself (Test Connection), whatever the cache holds. */
  async whoAmI(options: AbortSignal | { signal?: AbortSignal; cache?: 'no-store' } = {}): Promise<WhoAmI> {
    const { signal, cache } = options instanceof AbortSignal ? { signal: options, cache: undefined } : options;
    const { data } = await this.transport.json<WhoAmI>({
      method: 'GET',
      path: 'WhoAmI',
      operation: 'asking WhoAmI',
      signal,
      // The HTTP cache keys on MSCRMCallerID and on the token's identity, so each caller gets its own answer.
      ...(cache === 'no-store' ? { cache } : { cacheTtlMs: METADATA_TTL_MS }),
    });
    if (!data?.UserId) throw unexpectedAnswer('WhoAmI');
    return { UserId: data.UserId, BusinessUnitId: data.BusinessUnitId, OrganizationId: data.OrganizationId };
  }

  listTables(signal?: AbortSignal): Promise<TableSummary[]> {
    return listTables(this.transport, signal);
  }

  getTable(logicalName: string, signal?: AbortSignal): Promise<TableInfo> {
    return getTable(this.transport, logicalName, signal);
  }

  /**
   * Rows one at a time, following `@odata.nextLink` page by page: only the current page is held, so memory
   * stays flat however many rows there are. Aborting `signal` stops between rows and cancels the request
   * in flight; the iteration then throws CancelledError.
   */
  async *query(entitySet: string, options: QueryOptions = {}): AsyncGenerator<Row, void, undefined> {
    const { signal } = options;
    let next: string | undefined = this.transport.urlFor(collectionPath(entitySet, buildQuery(options)));
    const prefer = preferFor(options);
    for (let pageNumber = 1; next !== undefined; pageNumber++) {
      if (signal?.aborted) throw new CancelledError();
      const requestUrl: string = next;
      const answer: { data: Page | undefined } = await this.transport
        .json<Page>({
          method: 'GET',
          path: requestUrl,
          operation: `querying ${entitySet}`,
          prefer,
          signal,
        })
        .catch(this.explainUnknownSet(entitySet, signal));
      const data = answer.data;
      const rows = data?.value ?? [];
      const link = data?.['@odata.nextLink'];
      next = link === undefined ? undefined : this.transport.nextLinkUrl(link, requestUrl);
      options.onPage?.({
        pageNumber,
        rowCount: rows.length,
        hasMore: next !== undefined,
        ...(data?.['@odata.count'] !== undefined ? { totalCount: data['@odata.count'] } : {}),
      });
      // Each row is let go once yielded, and the page with it before the next is fetched: a page of 5,000
      // rows is tens of megabytes once parsed, and holding it while the next one arrives doubled the peak.
      for (let i = 0; i < rows.length; i++) {
        if (signal?.aborted) throw new CancelledError();
        const row = rows[i]!;
        rows[i] = undefined as unknown as Row;
        yield row;
      }
    }
  }

  /** Every row of a query as an array: for small results only (a day's sessions, a client's notes). */
  async list(entitySet: string, options: QueryOptions = {}): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of this.query(entitySet, options)) rows.push(row);
    return rows;
  }

  /** How many rows match; Dataverse counts at most 5000 (`@odata.count` is capped there). */
  async count(entitySet: string, filter?: QueryOptions['filter'], signal?: AbortSignal): Promise<number> {
    const query = buildQuery({ filter, count: true });
    const { data } = await this.transport
      .json<Page>({
        method: 'GET',
        path: collectionPath(entitySet, query),
        operation: `counting ${entitySet}`,
        // One row is enough to carry the count.
        prefer: ['odata.maxpagesize=1'],
        signal,
      })
      .catch(this.explainUnknownSet(entitySet, signal));
    if (typeof data?.['@odata.count'] !== 'number') throw unexpectedAnswer(`counting ${entitySet}`);
    return data['@odata.count'];
  }

  /** One row and its ETag. */
  async get(entitySet: string, id: string, options: GetOptions = {}): Promise<Fetched> {
    const path = recordPath(entitySet, id) + queryTail(buildQuery(options));
    const { data } = await this.transport
      .json<Row>({
        method: 'GET',
        path,
        operation: `reading ${recordPath(entitySet, id)}`,
        prefer: options.formatted ? [formattedPreference()] : [],
        signal: options.signal,
      })
      .catch(this.explainUnknownSet(entitySet, options.signal));
    if (!data) throw unexpectedAnswer(`reading ${recordPath(entitySet, id)}`);
    const etag = typeof data['@odata.etag'] === 'string' ? data['@odata.etag'] : undefined;
    return { row: data, etag };
  }

  /**
   * Creates a row and returns its id. The row's id is chosen here (unless the body gives one) and sent with it,
   * so a create whose answer was lost is read back on retry instead of making a second row.
   */
  async create(entitySet: string, body: Row, signal?: AbortSignal): Promise<string> {
    const table = await this.resolveTable(entitySet, signal);
    return createRow(this.writes, table.entitySet, table.primaryId, body, signal).catch(
      this.explainUnknownSet(entitySet, signal),
    );
  }

  /**
   * Changes columns of an existing row. Without an ETag it sends `If-Match: *`, because a bare PATCH is an
   * upsert and would create the row if it was deleted meanwhile; with one, a row changed since it was read
   * fails with ConflictError naming who changed it and when (unless the change was our own lost answer).
   */
  async update(entitySet: string, id: string, body: Row, options: WriteOptions = {}): Promise<void> {
    await updateRow(this.writes, entitySet, id, body, options).catch(this.explainUnknownSet(entitySet, options.signal));
  }

  /** Creates the row with this id, or updates it when it exists (PATCH without conditions). */
  async upsert(entitySet: string, id: string, body: Row, signal?: AbortSignal): Promise<void> {
    const path = recordPath(entitySet, id);
    await this.transport
      .expectSuccess({
        method: 'PATCH',
        path,
        operation: `upserting ${path}`,
        body,
        signal,
        // Sending the same upsert twice leaves the same row: safe to retry.
        idempotent: true,
      })
      .catch(this.explainUnknownSet(entitySet, signal));
  }

  /** Deletes a row; a retry that finds it already gone (our own lost answer) has succeeded. */
  async delete(entitySet: string, id: string, options: WriteOptions = {}): Promise<void> {
    await deleteRow(this.writes, entitySet, id, undefined, options).catch(
      this.explainUnknownSet(entitySet, options.signal),
    );
  }

  /** Points a row's lookup (single-valued navigation property) at another row. */
  async associate(
    entitySet: string,
    id: string,
    navigationProperty: string,
    target: { entitySet: string; id: string },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.update(entitySet, id, bind(navigationProperty, target.entitySet, target.id), { signal });
  }

  /** Adds a note (annotation) to a row of a table (logical name, entity set name, or both). */
  async addNote(
    table: string | TableRef,
    id: string,
    note: { subject: string; text: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const ref = typeof table === 'string' ? await this.resolveTable(table, signal) : table;
    const c = DEFAULT_TABLES.note.columns;
    return this.create(
      DEFAULT_TABLES.note.entitySet,
      {
        [c.subject]: note.subject,
        [c.text]: note.text,
        // The polymorphic `objectid` lookup has one navigation property per target table: objectid_<table>.
        ...bind(`${c.object}_${ref.logicalName}`, ref.entitySet, id),
      },
      signal,
    );
  }

  /** The notes attached to a row, newest first. */
  async listNotes(id: string, signal?: AbortSignal): Promise<Note[]> {
    const n = DEFAULT_TABLES.note;
    const rows = await this.list(n.entitySet, {
      select: [n.primaryId, n.columns.subject, n.columns.text, 'createdon'],
      filter: lookup(`_${n.columns.object}_value`, id),
      orderBy: 'createdon desc',
      signal,
    });
    return rows.map((row) => ({
      id: String(row[n.primaryId]),
      subject: (row[n.columns.subject] as string | null) ?? null,
      text: (row[n.columns.text] as string | null) ?? null,
      createdOn: (row.createdon as string | null) ?? null,
    }));
  }

  /**
   * Runs operations through `$batch`; see batch.ts for how they are grouped and what a failure does. Creates
   * get ids chosen here, so when a batch's answer is lost the rows can be read back to tell what took effect.
   */
  async batch(operations: readonly BatchOperation[], options: BatchOptions = {}): Promise<BatchOperationResult[]> {
    const createdIds = new Map<number, string>();
    const prepared: BatchOperation[] = [];
    for (const [index, operation] of operations.entries()) {
      const set = operation.method === 'POST' ? /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(operation.path)?.[1] : undefined;
      if (!set || !operation.body) {
        prepared.push(operation);
        continue;
      }
      const table = await this.resolveTable(set, options.signal);
      const given = operation.body[table.primaryId];
      const id = typeof given === 'string' ? normalizeGuid(given) : randomUUID();
      createdIds.set(index, id);
      prepared.push({ ...operation, body: { ...operation.body, [table.primaryId]: id } });
    }
    const probe = (index: number, operation: BatchOperation): Promise<boolean> =>
      batchOperationApplied(this.writes, operation, createdIds.get(index), options.signal);
    return runBatch(this.transport, prepared, options, { probe, createdIds });
  }

  /** Finds a table by logical name or entity set name (metadata is cached). */
  async resolveTable(name: string, signal?: AbortSignal): Promise<TableSummary> {
    const tables = await this.listTables(signal);
    const table = tables.find((t) => t.logicalName === name || t.entitySet === name);
    if (!table) throw unknownEntitySetError(name, nearestEntitySets(name, tables), undefined);
    return table;
  }

  /**
   * A catch handler: a 404 for an unknown path segment that is this entity set becomes the user's mistake,
   * with the nearest entity sets of the environment; anything else is rethrown as it was.
   */
  private explainUnknownSet(entitySet: string, signal?: AbortSignal): (error: unknown) => Promise<never> {
    return async (error: unknown) => {
      if (!(error instanceof LifeCockpitError) || error.code !== UNKNOWN_RESOURCE_CODE) throw error;
      if (unknownSegmentOf(error.message)?.toLowerCase() !== entitySet.toLowerCase()) throw error;
      let suggestions: string[] = [];
      try {
        suggestions = nearestEntitySets(entitySet, await this.listTables(signal));
      } catch (listing) {
        // The mistake stands either way; only the hint is lost.
        this.transport.log.debug('could not list tables for a suggestion', { entitySet, error: listing });
      }
      throw unknownEntitySetError(entitySet, suggestions, error);
    };
  }

  /** What the safe writes need: the transport, a read that says "absent" for 404, and who changed a row. */
  private get writes(): WriteContext {
    return {
      transport: this.transport,
      readRow: async (entitySet, id, select, signal) => {
        try {
          return (await this.get(entitySet, id, { select, signal })).row;
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      changedBy: (entitySet, id) => this.changedBy(entitySet, id),
    };
  }

  /** On a 412 for a write with an ETag: who changed the row and when, for the ConflictError. */
  private async changedBy(entitySet: string, id: string): Promise<Partial<ErrorContext>> {
    try {
      const { row } = await this.get(entitySet, id, { select: ['modifiedon', '_modifiedby_value'], formatted: true });
      return {
        changedBy: (row[`_modifiedby_value@${FORMATTED_VALUE}`] as string | undefined) ?? undefined,
        changedOn: (row.modifiedon as string | undefined) ?? undefined,
      };
    } catch (error) {
      // The conflict stands either way; only its explanation is poorer.
      this.transport.log.debug('could not read who changed a row', { entitySet, id, error });
      return {};
    }
  }
}

/** `{ "<nav>@odata.bind": "/<entitySet>(<id>)" }`: how the Web API sets a lookup. */
export function bind(navigationProperty: string, entitySet: string, id: string): Row {
  return { [`${navigationProperty}@odata.bind`]: `/${entitySet}(${normalizeGuid(id)})` };
}

function formattedPreference(): string {
  return `odata.include-annotations="${FORMATTED_VALUE}"`;
}

function preferFor(options: QueryOptions): string[] {
  const prefer: string[] = [];
  if (options.pageSize !== undefined) {
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1) {
      throw new ValidationError(`The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`, {
        code: 'dataverse.invalidPageSize',
      });
    }
    prefer.push(`odata.maxpagesize=${Math.min(options.pageSize, MAX_PAGE_SIZE)}`);
  }
  if (options.formatted) prefer.push(formattedPreference());
  return prefer;
}

function queryTail(query: string): string {
  return query === '' ? '' : `?${query}`;
}

function unexpectedAnswer(operation: string): ExternalServiceError {
  return new ExternalServiceError(`Dataverse gave an answer without the expected content while ${operation}.`, {
    code: 'dataverse.unexpectedAnswer',
  });
}
