// An in-memory Dataverse for core tests: rows per entity set, queries filtered by the filter builder's own
// text (`eq`/`ne`/`ge`/`le` of a column and a literal, joined by `and`/`or` in parentheses; strings compared
// case-insensitively as Dataverse's collation does), creates that meet DuplicateRecord for an id already
// there, `@odata.bind` lookups stored as `_<lookup>_value`, and a log of every call.
import { randomUUID } from 'node:crypto';
import type { QueryOptions, Row } from '../../src/core/dataverse';
import { ConflictError, NotFoundError } from '../../src/core/errors';
import { DEFAULT_TABLES } from '../../src/core/practice';

export interface FakeCall {
  op: 'query' | 'create' | 'get' | 'list' | 'update';
  entitySet: string;
  filter?: string;
  id?: string;
}

/** Navigation property → lookup column, for the binds the product writes. */
const LOOKUPS: Record<string, string> = {
  objectid_appointment: 'objectid',
  [DEFAULT_TABLES.session.columns.regardingClientNav]: DEFAULT_TABLES.session.columns.regarding,
  [DEFAULT_TABLES.scheduledMessage.columns.sessionNav]: DEFAULT_TABLES.scheduledMessage.columns.session,
};

const PRIMARY: Record<string, string> = {
  [DEFAULT_TABLES.session.entitySet]: DEFAULT_TABLES.session.primaryId,
  [DEFAULT_TABLES.client.entitySet]: DEFAULT_TABLES.client.primaryId,
  [DEFAULT_TABLES.note.entitySet]: DEFAULT_TABLES.note.primaryId,
  [DEFAULT_TABLES.scheduledMessage.entitySet]: DEFAULT_TABLES.scheduledMessage.primaryId,
};

export class FakeDataverse {
  readonly calls: FakeCall[] = [];
  private readonly sets = new Map<string, Map<string, Row>>();
  /** Runs before a create is applied (another actor acting in between). */
  beforeCreate: ((entitySet: string, body: Row) => Promise<void>) | undefined;

  rows(entitySet: string): Row[] {
    return [...this.table(entitySet).values()];
  }

  /** Puts a row as it would read back (lookups already as `_x_value`). */
  put(entitySet: string, row: Row): string {
    const key = PRIMARY[entitySet] ?? 'id';
    const id = String(row[key] ?? randomUUID()).toLowerCase();
    this.table(entitySet).set(id, { ...row, [key]: id });
    return id;
  }

  async *query(entitySet: string, options: QueryOptions = {}): AsyncGenerator<Row, void, undefined> {
    const filter = options.filter === undefined ? undefined : String(options.filter);
    this.calls.push({ op: 'query', entitySet, ...(filter === undefined ? {} : { filter }) });
    const rows = this.rows(entitySet).filter((row) => filter === undefined || matches(row, filter));
    for (const row of rows) yield { ...row };
  }

  async create(entitySet: string, body: Row): Promise<string> {
    const key = PRIMARY[entitySet] ?? 'id';
    const id = String(body[key] ?? randomUUID()).toLowerCase();
    this.calls.push({ op: 'create', entitySet, id });
    await this.beforeCreate?.(entitySet, body);
    if (this.table(entitySet).has(id)) {
      throw new ConflictError(
        `Dataverse refused creating ${entitySet}(${id}): a record with matching key values already exists.`,
        {
          code: 'dataverse.duplicateRecord',
        },
      );
    }
    const row: Row = {};
    for (const [name, value] of Object.entries(body)) {
      const bound = /^(.+)@odata\.bind$/.exec(name);
      if (!bound) {
        row[name] = value;
        continue;
      }
      const lookup = LOOKUPS[bound[1]] ?? bound[1];
      row[`_${lookup}_value`] = /\(([0-9a-f-]{36})\)$/i.exec(String(value))?.[1]?.toLowerCase() ?? null;
    }
    row[key] = id;
    this.table(entitySet).set(id, row);
    return id;
  }

  async get(entitySet: string, id: string): Promise<{ row: Row; etag: string | undefined }> {
    this.calls.push({ op: 'get', entitySet, id });
    const row = this.table(entitySet).get(id.toLowerCase());
    if (!row) throw new NotFoundError(`Not found: ${entitySet}(${id})`, { code: 'dataverse.notFound' });
    return { row: { ...row }, etag: undefined };
  }

  async list(entitySet: string, options: QueryOptions = {}): Promise<Row[]> {
    const filter = options.filter === undefined ? undefined : String(options.filter);
    this.calls.push({ op: 'list', entitySet, ...(filter === undefined ? {} : { filter }) });
    return this.rows(entitySet)
      .filter((row) => filter === undefined || matches(row, filter))
      .map((row) => ({ ...row }));
  }

  async update(entitySet: string, id: string, body: Row): Promise<void> {
    this.calls.push({ op: 'update', entitySet, id });
    const row = this.table(entitySet).get(id.toLowerCase());
    if (!row) throw new NotFoundError(`Not found: ${entitySet}(${id})`, { code: 'dataverse.notFound' });
    Object.assign(row, body);
  }

  private table(entitySet: string): Map<string, Row> {
    let table = this.sets.get(entitySet);
    if (!table) {
      table = new Map();
      this.sets.set(entitySet, table);
    }
    return table;
  }
}

/** Evaluates the filter builder's text against a row. */
export function matches(row: Row, text: string): boolean {
  const expr = stripParens(text.trim());
  for (const op of [' or ', ' and ']) {
    const parts = splitTopLevel(expr, op);
    if (parts.length > 1) {
      return op === ' or ' ? parts.some((p) => matches(row, p)) : parts.every((p) => matches(row, p));
    }
  }
  const leaf = /^([A-Za-z0-9_]+) (eq|ne|ge|le|gt|lt) (.+)$/.exec(expr);
  if (!leaf) throw new Error(`the fake cannot read the filter "${expr}"`);
  const [, column, op, literal] = leaf;
  return compare(row[column], op, parseLiteral(literal));
}

function parseLiteral(text: string): unknown {
  if (text === 'null') return null;
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text; // a GUID or a date, written bare
}

function compare(held: unknown, op: string, value: unknown): boolean {
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  if (op === 'eq') return norm(held ?? null) === norm(value);
  if (op === 'ne') return norm(held ?? null) !== norm(value);
  const a = typeof held === 'string' ? Date.parse(held) : Number(held);
  const b = typeof value === 'string' ? Date.parse(value) : Number(value);
  return op === 'ge' ? a >= b : op === 'le' ? a <= b : op === 'gt' ? a > b : a < b;
}

function stripParens(text: string): string {
  while (text.startsWith('(') && closingOf(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  return text;
}

function closingOf(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && text.startsWith(op, i)) {
      parts.push(text.slice(start, i));
      start = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
