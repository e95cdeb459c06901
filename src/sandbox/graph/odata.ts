// The slice of OData query syntax the sandbox understands: $select, $top/$skip/$skiptoken paging with
// @odata.nextLink, $orderby, and small $filter grammars (string literals with '' escapes, clauses
// joined by `and`/`or` outside parentheses and quotes).

import { GraphFault } from './wire';

export function parseSelect(query: URLSearchParams): string[] | undefined {
  const raw = query.get('$select');
  if (raw === null || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Keeps the selected properties (case-insensitively, as Graph matches them) plus `keep`. */
export function applySelect(
  entity: Record<string, unknown>,
  select: string[] | undefined,
  keep: readonly string[],
): Record<string, unknown> {
  if (!select) return entity;
  const wanted = new Set([...select, ...keep].map((name) => name.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (wanted.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

export function parseTop(query: URLSearchParams, pageDefault: number, pageMax: number): number {
  const raw = query.get('$top');
  if (raw === null) return pageDefault;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1) {
    throw new GraphFault(400, 'BadRequest', `Invalid value '${raw}' for $top query option found.`);
  }
  return Math.min(top, pageMax);
}

export function parseSkip(query: URLSearchParams): number {
  const raw = query.get('$skip');
  if (raw === null) return 0;
  const skip = Number(raw);
  if (!Number.isInteger(skip) || skip < 0) {
    throw new GraphFault(400, 'BadRequest', `Invalid value '${raw}' for $skip query option found.`);
  }
  return skip;
}

/** The directory pages with an opaque $skiptoken; ours wraps the offset so clients cannot read it. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(`lcsbx-offset:${offset}`, 'utf8').toString('base64url');
}

export function decodeSkipToken(token: string | null): number {
  if (token === null) return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^lcsbx-offset:(\d+)$/.exec(text);
  if (!match) {
    throw new GraphFault(
      400,
      'Directory_ExpiredPageToken',
      'The specified page token value has expired and can no longer be included in your request.',
    );
  }
  return Number(match[1]);
}

/** A nextLink that repeats the request's query with a new paging option, as Graph's do. */
export function nextLink(base: string, query: URLSearchParams, paging: Record<string, string>): string {
  const next = new URLSearchParams();
  for (const [key, value] of query) {
    if (key !== '$skip' && key !== '$skiptoken') next.set(key, value);
  }
  for (const [key, value] of Object.entries(paging)) next.set(key, value);
  // Graph leaves `$` unescaped in its links; URLSearchParams would write %24.
  return `${base}?${next.toString().replace(/%24/g, '$')}`;
}

export interface OrderBy {
  property: string;
  descending: boolean;
}

export function parseOrderBy(query: URLSearchParams): OrderBy[] {
  const raw = query.get('$orderby');
  if (raw === null || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const [property = '', direction = 'asc', ...rest] = part.trim().split(/\s+/);
    if (rest.length > 0 || !/^(asc|desc)$/i.test(direction) || property === '') {
      throw new GraphFault(400, 'BadRequest', `Invalid $orderby expression '${raw}'.`);
    }
    return { property, descending: direction.toLowerCase() === 'desc' };
  });
}

/** Splits on a keyword (` and `, ` or `) that sits outside quotes and parentheses. */
export function splitTopLevel(expression: string, keyword: 'and' | 'or'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  const needle = ` ${keyword} `;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === "'") {
      // '' inside a literal is an escaped quote and leaves the literal open.
      if (inQuote && expression[i + 1] === "'") {
        i++;
        continue;
      }
      inQuote = !inQuote;
    } else if (!inQuote && char === '(') depth++;
    else if (!inQuote && char === ')') depth--;
    else if (!inQuote && depth === 0 && expression.slice(i, i + needle.length).toLowerCase() === needle) {
      parts.push(expression.slice(start, i).trim());
      start = i + needle.length;
      i += needle.length - 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** `'it''s'` → `it's`; undefined when the text is not one whole literal. */
export function stringLiteral(text: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/.exec(text.trim());
  return match ? (match[1] ?? '').replace(/''/g, "'") : undefined;
}

export function invalidFilter(): GraphFault {
  return new GraphFault(400, 'BadRequest', 'Invalid filter clause');
}
