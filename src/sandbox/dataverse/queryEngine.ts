// Runs a query plan over one table and returns one page. Without $orderby rows come in primary-key
// order and a page resumes by binary search on the cookie's last key, scanning only as far as the
// page needs. With $orderby the filtered, sorted result is computed once and cached until the table
// changes, so following nextLinks costs O(log n) per page instead of a re-sort.

import type { CookieKey, PagingCookie } from './pagingCookie';
import { cookieGuid, guidFromCookie } from './pagingCookie';
import type { OrderKey, QueryPlan } from './queryOptions';
import type { Row } from './schema';
import type { TableRows } from './store';

/** Dataverse's cap on a page and on `@odata.count` (count-rows doc: "up to 5,000"). */
export const MAX_PAGE_SIZE = 5000;

export interface PageResult {
  rows: Row[];
  /** Set when more rows follow: the cookie to put in the nextLink. */
  next?: PagingCookie;
  /** The number of matching rows, uncapped (only when $count=true; the caller caps what it shows). */
  count?: number;
}

interface SortedEntry {
  keys: unknown[];
  row: Row;
}

interface SortedCache {
  key: string;
  entries: SortedEntry[];
}

function comparableOf(edmType: string, value: unknown): unknown {
  // Dataverse's collation is case-insensitive, for sorting as for filtering.
  return edmType === 'Edm.String' && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Nulls sort first ascending (SQL Server); each key may be descending; the primary key breaks ties. */
function compareKeys(a: unknown[], b: unknown[], orderBy: OrderKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    let result: number;
    if (x === null || x === undefined) result = -1;
    else if (y === null || y === undefined) result = 1;
    else result = (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
    if (result !== 0) return i < orderBy.length && orderBy[i].descending ? -result : result;
  }
  return 0;
}

function valueFromCookie(edmType: string, text: string | null): unknown {
  if (text === null) return null;
  if (edmType === 'Edm.Int32' || edmType === 'Edm.Int64' || edmType === 'Edm.Decimal') return Number(text);
  if (edmType === 'Edm.Boolean') return text === 'true' || text === '1';
  return comparableOf(edmType, text);
}

function valueForCookie(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export class QueryEngine {
  private readonly sorted = new WeakMap<TableRows, SortedCache>();

  run(rows: TableRows, plan: QueryPlan, pageSize: number, cookie: PagingCookie | undefined): PageResult {
    if (plan.top !== undefined) {
      return { ...this.firstRows(rows, plan, Math.min(plan.top, MAX_PAGE_SIZE)), ...this.countOf(rows, plan) };
    }
    const page =
      plan.orderBy.length > 0
        ? this.sortedPage(rows, plan, pageSize, cookie)
        : this.keyPage(rows, plan, pageSize, cookie);
    return { ...page, ...this.countOf(rows, plan) };
  }

  private firstRows(rows: TableRows, plan: QueryPlan, limit: number): PageResult {
    if (plan.orderBy.length > 0)
      return {
        rows: this.sortedEntries(rows, plan)
          .slice(0, limit)
          .map((entry) => entry.row),
      };
    return { rows: this.scan(rows, plan, 0, limit).rows };
  }

  private countOf(rows: TableRows, plan: QueryPlan): { count?: number } {
    if (!plan.count) return {};
    let total: number;
    if (plan.orderBy.length > 0) total = this.sortedEntries(rows, plan).length;
    else if (!plan.predicate) total = rows.ordered.length;
    else {
      total = 0;
      const predicate = plan.predicate;
      for (const row of rows.ordered) if (predicate(row)) total++;
    }
    return { count: total };
  }

  /** Scans primary-key order from `start`, collecting up to `limit` matches and noting whether more exist. */
  private scan(rows: TableRows, plan: QueryPlan, start: number, limit: number): { rows: Row[]; more: boolean } {
    const found: Row[] = [];
    const predicate = plan.predicate;
    const ordered = rows.ordered;
    for (let i = start; i < ordered.length; i++) {
      const row = ordered[i];
      if (predicate && !predicate(row)) continue;
      if (found.length === limit) return { rows: found, more: true };
      found.push(row);
    }
    return { rows: found, more: false };
  }

  private keyPage(rows: TableRows, plan: QueryPlan, pageSize: number, cookie: PagingCookie | undefined): PageResult {
    const primaryId = rows.def.primaryId;
    const start = cookie ? rows.indexAfter(guidFromCookie(cookie.keys[cookie.keys.length - 1].last)) : 0;
    const { rows: page, more } = this.scan(rows, plan, start, pageSize);
    if (!more) return { rows: page };
    const first = page[0];
    const last = page[page.length - 1];
    const keys: CookieKey[] = [
      { name: primaryId, last: cookieGuid(rows.idOf(last)), first: cookieGuid(rows.idOf(first)) },
    ];
    return { rows: page, next: { page: (cookie?.page ?? 0) + 1, keys } };
  }

  private sortedPage(rows: TableRows, plan: QueryPlan, pageSize: number, cookie: PagingCookie | undefined): PageResult {
    const entries = this.sortedEntries(rows, plan);
    const start = cookie ? this.indexAfterCookie(entries, plan, rows, cookie) : 0;
    const end = Math.min(start + pageSize, entries.length);
    const page = entries.slice(start, end).map((entry) => entry.row);
    if (end >= entries.length || page.length === 0) return { rows: page };
    const first = entries[start];
    const last = entries[end - 1];
    const keys: CookieKey[] = plan.orderBy.map((key) => ({
      name: key.name,
      last: valueForCookie(key.access.get(last.row)),
      first: valueForCookie(key.access.get(first.row)),
    }));
    keys.push({
      name: rows.def.primaryId,
      last: cookieGuid(rows.idOf(last.row)),
      first: cookieGuid(rows.idOf(first.row)),
    });
    return { rows: page, next: { page: (cookie?.page ?? 0) + 1, keys } };
  }

  private indexAfterCookie(entries: SortedEntry[], plan: QueryPlan, rows: TableRows, cookie: PagingCookie): number {
    const byName = new Map(cookie.keys.map((key) => [key.name, key.last]));
    const target: unknown[] = plan.orderBy.map((key) =>
      valueFromCookie(key.access.edmType, byName.get(key.name) ?? null),
    );
    target.push(guidFromCookie(byName.get(rows.def.primaryId) ?? null));
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(entries[mid].keys, target, plan.orderBy) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private sortedEntries(rows: TableRows, plan: QueryPlan): SortedEntry[] {
    const cacheKey = `${rows.mutations}|${plan.filterText ?? ''}|${plan.orderByText ?? ''}`;
    const cached = this.sorted.get(rows);
    if (cached?.key === cacheKey) return cached.entries;
    const predicate = plan.predicate;
    const entries: SortedEntry[] = [];
    for (const row of rows.ordered) {
      if (predicate && !predicate(row)) continue;
      const keys = plan.orderBy.map((key) => comparableOf(key.access.edmType, key.access.get(row)));
      keys.push(rows.idOf(row));
      entries.push({ keys, row });
    }
    entries.sort((a, b) => compareKeys(a.keys, b.keys, plan.orderBy));
    this.sorted.set(rows, { key: cacheKey, entries });
    return entries;
  }
}
