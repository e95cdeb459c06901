// The rows of every table, kept by id and in primary-key order so that paging can resume from the
// last key in O(log n). Writes go through put/remove so a change set can journal and roll them
// back, and every write bumps the table's mutation count (which invalidates cached sorted results).

import type { Row, Schema, TableDef } from './schema';

export class TableRows {
  readonly byId = new Map<string, Row>();
  /** Rows sorted by primary key (lowercase GUID text), Dataverse's default order. */
  ordered: Row[] = [];
  mutations = 0;

  constructor(readonly def: TableDef) {}

  get(id: string): Row | undefined {
    return this.byId.get(id);
  }

  idOf(row: Row): string {
    return row[this.def.primaryId] as string;
  }

  /** The index of the first row whose id is greater than `id` (or equal, when inclusive). */
  indexAfter(id: string, inclusive = false): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const midId = this.idOf(this.ordered[mid]);
      if (midId < id || (!inclusive && midId === id)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  put(row: Row): void {
    const id = this.idOf(row);
    const existing = this.byId.get(id);
    this.byId.set(id, row);
    const at = this.indexAfter(id, true);
    if (existing) this.ordered[at] = row;
    else this.ordered.splice(at, 0, row);
    this.mutations++;
  }

  remove(id: string): Row | undefined {
    const existing = this.byId.get(id);
    if (!existing) return undefined;
    this.byId.delete(id);
    this.ordered.splice(this.indexAfter(id, true), 1);
    this.mutations++;
    return existing;
  }

  /** Bulk load: one sort instead of n sorted inserts. */
  replaceAll(rows: Row[]): void {
    this.byId.clear();
    for (const row of rows) this.byId.set(this.idOf(row), row);
    this.ordered = [...this.byId.values()].sort((a, b) => (this.idOf(a) < this.idOf(b) ? -1 : 1));
    this.mutations++;
  }
}

export interface ChangeEntry {
  at: string;
  table: string;
  id: string;
  operation: 'create' | 'update' | 'delete';
  by: string;
}

/** Undo records for one change set: the previous row (or undefined when the write created it). */
export type Journal = { table: string; id: string; previous: Row | undefined }[];

const RECENT_CHANGES = 50;

export class Store {
  readonly tables = new Map<string, TableRows>();
  private version = 1_000_000;
  private journal: Journal | undefined;
  readonly recentChanges: ChangeEntry[] = [];

  constructor(readonly schema: Schema) {
    for (const def of schema.tables) this.tables.set(def.logicalName, new TableRows(def));
  }

  rows(logicalName: string): TableRows {
    const rows = this.tables.get(logicalName);
    if (!rows) throw new Error(`unknown table ${logicalName}`);
    return rows;
  }

  nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  get currentVersion(): number {
    return this.version;
  }

  set currentVersion(value: number) {
    this.version = value;
  }

  put(logicalName: string, row: Row): void {
    const rows = this.rows(logicalName);
    const id = rows.idOf(row);
    this.journal?.push({ table: logicalName, id, previous: rows.get(id) });
    rows.put(row);
  }

  remove(logicalName: string, id: string): Row | undefined {
    const rows = this.rows(logicalName);
    const previous = rows.get(id);
    if (previous) this.journal?.push({ table: logicalName, id, previous });
    return rows.remove(id);
  }

  /** Runs `work` as one transaction: when it throws or reports failure, every write it made is undone. */
  transaction<T>(work: () => T, failed: (result: T) => boolean): T {
    const outer = this.journal;
    const journal: Journal = [];
    this.journal = journal;
    let ok = false;
    try {
      const result = work();
      ok = !failed(result);
      return result;
    } finally {
      this.journal = outer;
      if (ok) outer?.push(...journal);
      else this.undo(journal);
    }
  }

  private undo(journal: Journal): void {
    for (const entry of journal.reverse()) {
      const rows = this.rows(entry.table);
      if (entry.previous) rows.put(entry.previous);
      else rows.remove(entry.id);
    }
  }

  recordChange(entry: ChangeEntry): void {
    this.recentChanges.push(entry);
    if (this.recentChanges.length > RECENT_CHANGES) this.recentChanges.shift();
  }
}
