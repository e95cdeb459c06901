// Dataverse's paging cookie, as it appears in `$skiptoken`: `<cookie pagenumber="2"
// pagingcookie="…" istracking="False" />`, where pagingcookie is itself a URL-encoded
// `<cookie page="1"><name last="…" first="…" /><accountid last="{GUID}" first="{GUID}" /></cookie>`
// holding the order-by values and primary key of the page's last and first rows (query-data-web-api).

import { badQuery } from './errors';
import { normalizeGuid } from './wireValues';

export interface CookieKey {
  name: string;
  last: string | null;
  first: string | null;
}

export interface PagingCookie {
  /** The page the cookie was written after (1 for the first page). */
  page: number;
  keys: CookieKey[];
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlUnescape(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The inner cookie is URL-encoded with lowercase hex, as the service writes it. */
function encodeInner(text: string): string {
  return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

function attribute(name: string, value: string | null): string {
  return value === null ? '' : ` ${name}="${xmlEscape(value)}"`;
}

/** The `$skiptoken` value (not yet URL-encoded for the query string). */
export function writeSkipToken(cookie: PagingCookie): string {
  const elements = cookie.keys.map(
    (key) => `<${key.name}${attribute('last', key.last)}${attribute('first', key.first)} />`,
  );
  const inner = `<cookie page="${cookie.page}">${elements.join('')}</cookie>`;
  return `<cookie pagenumber="${cookie.page + 1}" pagingcookie="${encodeInner(inner)}" istracking="False" />`;
}

/** Encodes the skiptoken for a URL as the service does: `<`, `"` and spaces escaped, `=` and `/` left. */
export function encodeSkipTokenForUrl(token: string): string {
  return encodeURIComponent(token).replace(/%3D/g, '=').replace(/%2F/g, '/');
}

function invalidCookie(): never {
  throw badQuery('The $skiptoken value is not a valid paging cookie.');
}

export function readSkipToken(token: string): PagingCookie {
  const outer = /^\s*<cookie\b([^>]*)\/>\s*$/.exec(token);
  if (!outer) invalidCookie();
  const pageNumber = /\bpagenumber="(\d+)"/.exec(outer[1]);
  const encoded = /\bpagingcookie="([^"]*)"/.exec(outer[1]);
  if (!pageNumber || !encoded) invalidCookie();
  let inner: string;
  try {
    inner = decodeURIComponent(encoded[1]);
  } catch (error) {
    throw badQuery(`The $skiptoken value is not a valid paging cookie: ${(error as Error).message}`);
  }
  const keys: CookieKey[] = [];
  for (const element of inner.matchAll(/<([A-Za-z0-9_]+)((?:\s+[a-z]+="[^"]*")*)\s*\/>/g)) {
    keys.push({
      name: element[1],
      last: attributeValue(element[2], 'last'),
      first: attributeValue(element[2], 'first'),
    });
  }
  if (keys.length === 0) invalidCookie();
  return { page: Number(pageNumber[1]) - 1, keys };
}

function attributeValue(attributes: string, name: string): string | null {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes);
  return match ? xmlUnescape(match[1]) : null;
}

/** The primary key as the cookie writes it: uppercase in braces. */
export function cookieGuid(id: string): string {
  return `{${id.toUpperCase()}}`;
}

export function guidFromCookie(text: string | null): string {
  const id = text === null ? undefined : normalizeGuid(text);
  if (!id) invalidCookie();
  return id;
}
