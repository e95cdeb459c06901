// An in-memory stand-in for the Dataverse client's row calls (get, list, create, update) with the Web API's
// rules that the actions depend on: a create under an existing id meets DuplicateRecord, an update under a
// stale If-Match meets ConcurrencyVersionMismatch, every write bumps the row's ETag, `@odata.bind` sets the
// lookup's `_<column>_value`. `beforeWrite` lets a test act as another actor between a read and a write.
import { ConflictError, NotFoundError } from '../../src/core/errors';
import type { Row, WriteOptions } from '../../src/core/dataverse';
import { DEFAULT_TABLES, type TableMapping } from '../../src/core/practice';
import type { PracticeRecords } from '../../src/core/reminders';

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

interface Stored {
  row: Row;
  version: number;
}

export interface WriteCall {
  method: 'create' | 'update';
  entitySet: string;
  id: string;
  body: Row;
  ifMatch?: string;
}

export class MemoryDataverse implements PracticeRecords {
  readonly writes: WriteCall[] = [];
  /** Runs once before the next write (another actor acting between our read and our write). */
  beforeWrite: (() => Promise<void> | void) | undefined;
  private readonly tables = new Map<string, Map<string, Stored>>();
  private version = 1000;

  constructor(private readonly mapping: TableMapping = DEFAULT_TABLES) {}

  private table(entitySet: string): Map<string, Stored> {
    let rows = this.tables.get(entitySet);
    if (!rows) this.tables.set(entitySet, (rows = new Map()));
    return rows;
  }

  private primaryIdOf(entitySet: string): string {
    const table = Object.values(this.mapping).find((t: { entitySet: string }) => t.entitySet === entitySet);
    if (!table) throw new Error(`unknown entity set ${entitySet}`);
    return table.primaryId;
  }

  /** Puts a row in place as if it were already there (a seeded client, a row another tool wrote). */
  seed(entitySet: string, row: Row): string {
    const id = String(row[this.primaryIdOf(entitySet)]).toLowerCase();
    this.table(entitySet).set(id, { row: this.applyBinds({}, row), version: ++this.version });
    return id;
  }

  /** The stored row (without annotations), for assertions. */
  row(entitySet: string, id: string): Row | undefined {
    return this.table(entitySet).get(id.toLowerCase())?.row;
  }

  rows(entitySet: string): Row[] {
    return [...this.table(entitySet).values()].map((s) => s.row);
  }

  etag(entitySet: string, id: string): string | undefined {
    const stored = this.table(entitySet).get(id.toLowerCase());
    return stored ? `W/"${stored.version}"` : undefined;
  }

  private applyBinds(target: Row, body: Row): Row {
    for (const [key, value] of Object.entries(body)) {
      const bound = /^(.+)@odata\.bind$/.exec(key);
      if (!bound) {
        target[key] = value;
        continue;
      }
      const column = this.columnOfNav(bound[1] as string);
      target[`_${column}_value`] = /\(([^)]+)\)$/.exec(String(value))?.[1]?.toLowerCase();
    }
    return target;
  }

  private columnOfNav(nav: string): string {
    const m = this.mapping;
    const navs: Record<string, string> = {
      [m.session.columns.regardingClientNav]: m.session.columns.regarding,
      [m.scheduledMessage.columns.sessionNav]: m.scheduledMessage.columns.session,
      [m.scheduledMessage.columns.contactNav]: m.scheduledMessage.columns.contact,
      [m.messageLog.columns.scheduledMessageNav]: m.messageLog.columns.scheduledMessage,
    };
    const column = navs[nav];
    if (!column) throw new Error(`unknown navigation property ${nav}`);
    return column;
  }

  private withAnnotations(entitySet: string, stored: Stored, formatted: boolean): Row {
    const row: Row = { '@odata.etag': `W/"${stored.version}"`, ...stored.row };
    const m = this.mapping;
    const regarding = `_${m.session.columns.regarding}_value`;
    if (formatted && entitySet === m.session.entitySet && typeof row[regarding] === 'string') {
      const client = this.row(m.client.entitySet, row[regarding] as string);
      if (client) row[regarding + FORMATTED] = client[m.client.columns.fullName];
    }
    return row;
  }

  async get(
    entitySet: string,
    id: string,
    options: { formatted?: boolean } = {},
  ): Promise<{ row: Row; etag: string | undefined }> {
    const stored = this.table(entitySet).get(id.toLowerCase());
    if (!stored) throw new NotFoundError(`Not found while reading ${entitySet}(${id})`, { code: 'dataverse.404' });
    const row = this.withAnnotations(entitySet, stored, options.formatted === true);
    return { row, etag: row['@odata.etag'] as string };
  }

  /** Understands the filters the actions send: `<column> eq <guid>`. */
  async list(entitySet: string, options: { filter?: unknown; formatted?: boolean } = {}): Promise<Row[]> {
    const text = String((options.filter as { text?: string } | undefined)?.text ?? options.filter ?? '');
    const match = /^(\S+) eq '?([0-9a-fA-F-]{36})'?$/.exec(text);
    if (text && !match) throw new Error(`the memory Dataverse does not understand the filter ${text}`);
    return [...this.table(entitySet).values()]
      .filter((s) => !match || String(s.row[match[1] as string]).toLowerCase() === match[2]?.toLowerCase())
      .map((s) => this.withAnnotations(entitySet, s, options.formatted === true));
  }

  /** Every row of the table, whatever the filter (the reminder sender's due-row query). */
  async *query(entitySet: string): AsyncGenerator<Row> {
    for (const stored of [...this.table(entitySet).values()]) yield this.withAnnotations(entitySet, stored, false);
  }

  private async otherActorFirst(): Promise<void> {
    const act = this.beforeWrite;
    this.beforeWrite = undefined;
    if (act) await act();
  }

  async create(entitySet: string, body: Row): Promise<string> {
    await this.otherActorFirst();
    const primaryId = this.primaryIdOf(entitySet);
    const id = String(body[primaryId]).toLowerCase();
    this.writes.push({ method: 'create', entitySet, id, body });
    if (this.table(entitySet).has(id)) {
      throw new ConflictError('Dataverse refused creating: a record with matching key values already exists.', {
        code: 'dataverse.duplicateRecord',
      });
    }
    this.table(entitySet).set(id, { row: this.applyBinds({}, { ...body, [primaryId]: id }), version: ++this.version });
    return id;
  }

  async update(entitySet: string, id: string, body: Row, options: WriteOptions = {}): Promise<void> {
    await this.otherActorFirst();
    this.writes.push({
      method: 'update',
      entitySet,
      id,
      body,
      ...(options.ifMatch ? { ifMatch: options.ifMatch } : {}),
    });
    const stored = this.table(entitySet).get(id.toLowerCase());
    if (!stored) throw new NotFoundError(`Not found while updating ${entitySet}(${id})`, { code: 'dataverse.404' });
    if (options.ifMatch && options.ifMatch !== '*' && options.ifMatch !== `W/"${stored.version}"`) {
      throw new ConflictError(`The record was changed by someone else since you read it.`, {
        code: 'dataverse.concurrencyMismatch',
      });
    }
    this.applyBinds(stored.row, body);
    stored.version = ++this.version;
  }
}
