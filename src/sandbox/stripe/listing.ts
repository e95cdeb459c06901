// Stripe's two ways of returning many objects: cursor lists (`limit`, `starting_after`,
// `ending_before`, newest first) and search results (`query` in Stripe's search language, `page`
// tokens). Only the subset of the query language the product needs: `field:'v'`, `field~'v'`,
// `metadata['k']:'v'`, numeric comparisons, negation with `-`, and clauses joined by AND or by OR.

import type { Params } from './params';
import type { ApiList } from './state';
import { invalidValue, parameterMissing, resourceMissing } from './wire';

function readLimit(params: Params): number {
  const limit = params.int('limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidValue('limit', `This value must be greater than or equal to 1 and less than or equal to 100.`);
  }
  return limit;
}

/** Keeps objects whose `created` matches `created=N` or `created[gt|gte|lt|lte]=N`. */
export function filterCreated<T extends { created: number }>(items: T[], params: Params): T[] {
  const exact = params.raw.created;
  if (exact === undefined) return items;
  if (typeof exact === 'string') {
    const at = params.requiredInt('created');
    return items.filter((item) => item.created === at);
  }
  const range = params.object('created');
  if (range === undefined) return items;
  const gt = range.int('gt');
  const gte = range.int('gte');
  const lt = range.int('lt');
  const lte = range.int('lte');
  return items.filter(
    (item) =>
      (gt === undefined || item.created > gt) &&
      (gte === undefined || item.created >= gte) &&
      (lt === undefined || item.created < lt) &&
      (lte === undefined || item.created <= lte),
  );
}

/**
 * A page of `items` (already newest first). `starting_after` continues towards older objects,
 * `ending_before` towards newer ones; both must name an object of this list.
 */
export function listPage<T extends { id: string }>(items: T[], params: Params, url: string, noun: string): ApiList<T> {
  const limit = readLimit(params);
  const after = params.string('starting_after');
  const before = params.string('ending_before');
  if (after !== undefined && after !== '') {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0) throw resourceMissing(noun, after, 'starting_after');
    const rest = items.slice(index + 1);
    return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  if (before !== undefined && before !== '') {
    const index = items.findIndex((item) => item.id === before);
    if (index < 0) throw resourceMissing(noun, before, 'ending_before');
    const newer = items.slice(0, index);
    const start = Math.max(0, newer.length - limit);
    return { object: 'list', data: newer.slice(start), has_more: start > 0, url };
  }
  return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
}

export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
  total_count?: number;
}

type Operator = ':' | '~' | '>' | '<' | '>=' | '<=';

interface Clause {
  negated: boolean;
  field: string; // `email` or `metadata.key`
  operator: Operator;
  value: string;
  quoted: boolean;
}

const CLAUSE =
  /^(-?)(metadata\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]|[a-z_][a-z0-9_.]*)(>=|<=|:|~|>|<)(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s'"]+))/;

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function syntaxError(query: string): Error {
  return invalidValue(
    'query',
    `We were unable to parse your search query. Try using the format \`metadata["key"]:"value"\` to query for metadata or key:"value" to query for other fields. Query: ${query}`,
  );
}

/** Parses `a:'x' AND b~'y'` into clauses and the single connective used between them. */
export function parseSearchQuery(query: string): { clauses: Clause[]; connective: 'AND' | 'OR' } {
  const clauses: Clause[] = [];
  const connectives = new Set<string>();
  let rest = query.trim();
  while (rest !== '') {
    const match = CLAUSE.exec(rest);
    if (match === null) throw syntaxError(query);
    const [whole, neg, fieldText, mkSingle, mkDouble, op, vSingle, vDouble, vBare] = match;
    const metadataKey = mkSingle ?? mkDouble;
    const quotedValue = vSingle ?? vDouble;
    clauses.push({
      negated: neg === '-',
      field: metadataKey !== undefined ? `metadata.${unescape(metadataKey)}` : (fieldText ?? ''),
      operator: op as Operator,
      value: quotedValue !== undefined ? unescape(quotedValue) : (vBare ?? ''),
      quoted: quotedValue !== undefined,
    });
    rest = rest.slice(whole.length).trim();
    if (rest === '') break;
    const connective = /^(AND|OR)\s+/.exec(rest);
    if (connective === null) throw syntaxError(query);
    connectives.add(connective[1] ?? 'AND');
    rest = rest.slice(connective[0].length);
  }
  if (clauses.length === 0) throw syntaxError(query);
  // Stripe refuses queries that mix AND and OR.
  if (connectives.size > 1) throw syntaxError(query);
  return { clauses, connective: connectives.has('OR') ? 'OR' : 'AND' };
}

function fieldValue(object: object, field: string): unknown {
  let current: unknown = object;
  for (const part of field.startsWith('metadata.') ? ['metadata', field.slice(9)] : field.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function clauseMatches(object: object, clause: Clause): boolean {
  const actual = fieldValue(object, clause.field);
  const wanted = clause.value;
  let result: boolean;
  if (clause.operator === ':' || clause.operator === '~') {
    if (!clause.quoted && wanted === 'null') result = actual === null || actual === undefined;
    else if (actual === null || actual === undefined) result = false;
    else if (clause.operator === '~') result = String(actual).toLowerCase().includes(wanted.toLowerCase());
    // Exact match is case-insensitive for strings in Stripe search.
    else result = String(actual).toLowerCase() === wanted.toLowerCase();
  } else {
    const a = Number(actual);
    const b = Number(wanted);
    if (Number.isNaN(a) || Number.isNaN(b)) result = false;
    else if (clause.operator === '>') result = a > b;
    else if (clause.operator === '<') result = a < b;
    else if (clause.operator === '>=') result = a >= b;
    else result = a <= b;
  }
  return clause.negated ? !result : result;
}

/** Runs a search over `items` (newest first) with Stripe's `query`, `limit` and `page` params. */
export function searchPage<T extends object>(items: T[], params: Params, url: string): SearchResult<T> {
  const query = params.string('query');
  if (query === undefined || query === '') throw parameterMissing('query');
  const { clauses, connective } = parseSearchQuery(query);
  const limit = readLimit(params);
  const matches = items.filter((item) =>
    connective === 'AND' ? clauses.every((c) => clauseMatches(item, c)) : clauses.some((c) => clauseMatches(item, c)),
  );
  const offset = decodePage(params.string('page'));
  const data = matches.slice(offset, offset + limit);
  const hasMore = matches.length > offset + limit;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? encodePage(offset + limit) : null,
    url,
  };
}

function encodePage(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodePage(page: string | undefined): number {
  if (page === undefined || page === '') return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
    const offset = (parsed as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch (error) {
    throw invalidValue('page', `Invalid page token: ${page} (${String(error)})`);
  }
  throw invalidValue('page', `Invalid page token: ${page}`);
}

/** Stored objects in creation order, returned newest first as Stripe lists them. */
export function newestFirst<T>(records: Record<string, T>): T[] {
  return Object.values(records).reverse();
}
