// Reads the OData system query options of an entity-set or record request ($select, $filter,
// $orderby, $top, $count, $expand, $skiptoken) into a checked plan, failing with the URI parser's
// messages before any row is touched.

import { badQuery, unknownProperty } from './errors';
import { parseFilter } from './filter';
import { compileFilter, type Predicate, type PropertyAccess } from './filterCompile';
import { propertyNameOf, resolveProperty } from './rowAccess';
import type { NavigationDef, Row, TableDef } from './schema';
import type { Store } from './store';

export interface OrderKey {
  name: string;
  access: PropertyAccess<Row>;
  descending: boolean;
}

export interface ExpandPlan {
  nav: NavigationDef;
  target: TableDef;
  select?: string[];
}

export interface QueryPlan {
  select?: string[];
  filterText?: string;
  predicate?: Predicate<Row>;
  orderBy: OrderKey[];
  orderByText?: string;
  top?: number;
  count: boolean;
  expand: ExpandPlan[];
  skipToken?: string;
}

const SUPPORTED = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken']);

export function parseQueryOptions(table: TableDef, query: URLSearchParams, store: Store): QueryPlan {
  for (const key of query.keys()) {
    if (key.startsWith('$') && !SUPPORTED.has(key)) {
      throw badQuery(`The query parameter ${key} is not supported`);
    }
  }
  const plan: QueryPlan = { orderBy: [], count: false, expand: [] };
  const select = query.get('$select');
  if (select !== null) plan.select = parseSelect(table, select);
  const filter = query.get('$filter');
  if (filter !== null) {
    plan.filterText = filter;
    plan.predicate = compileFilter(parseFilter(filter), (path) => resolveProperty(table, path, store));
  }
  const orderBy = query.get('$orderby');
  if (orderBy !== null) {
    plan.orderByText = orderBy;
    plan.orderBy = parseOrderBy(table, orderBy, store);
  }
  const top = query.get('$top');
  if (top !== null) plan.top = parseTop(top);
  const count = query.get('$count');
  if (count !== null) plan.count = parseCount(count);
  const expand = query.get('$expand');
  if (expand !== null) plan.expand = parseExpand(table, expand, store);
  plan.skipToken = query.get('$skiptoken') ?? undefined;
  return plan;
}

export function parseSelect(table: TableDef, text: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (name === '') throw badQuery(`Syntax error at position ${text.length} in '${text}'.`);
    const column = /^_(.+)_value$/.exec(name)?.[1] ?? name;
    if (!table.columns.has(column) || propertyNameOf(table, column) !== name) {
      throw unknownProperty(name, table.logicalName);
    }
  }
  return [...new Set(names)];
}

function parseOrderBy(table: TableDef, text: string, store: Store): OrderKey[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!match) throw badQuery(`Syntax error at position ${text.length} in '${text}'.`);
    return { name: match[1], access: resolveProperty(table, match[1], store), descending: match[2] === 'desc' };
  });
}

function parseTop(text: string): number {
  if (!/^\d+$/.test(text)) {
    throw badQuery(
      `Invalid value '${text}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  }
  return Number(text);
}

function parseCount(text: string): boolean {
  if (text !== 'true' && text !== 'false') {
    throw badQuery(`'${text}' is not a valid count option.`);
  }
  return text === 'true';
}

/** Splits on commas that are not inside parentheses (`a($select=x,y),b`). */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

function parseExpand(table: TableDef, text: string, store: Store): ExpandPlan[] {
  return splitTopLevel(text, ',').map((item) => {
    const match = /^([A-Za-z0-9_]+)(?:\((.*)\))?$/.exec(item);
    if (!match) throw badQuery(`Syntax error at position ${text.length} in '${text}'.`);
    const nav = table.navigations.get(match[1]);
    if (!nav) throw unknownProperty(match[1], table.logicalName);
    const target = store.rows(nav.target).def;
    const plan: ExpandPlan = { nav, target };
    for (const option of match[2] ? splitTopLevel(match[2], ';') : []) {
      const [key, ...rest] = option.split('=');
      const value = rest.join('=');
      if (key === '$select') plan.select = parseSelect(target, value);
      else
        throw badQuery(
          `The query option '${key}' is not supported on the single-valued navigation property '${nav.name}'.`,
        );
    }
    return plan;
  });
}
