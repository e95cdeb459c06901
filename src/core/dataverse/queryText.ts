// The URL text of a Web API call: entity set and key segments checked to be names and GUIDs, and the OData
// system query options ($select, $filter, $orderby, $top, $expand, $count) percent-encoded so a value
// holding `&`, `#` or `+` stays part of its option.
import { ValidationError } from '../errors';
import { normalizeGuid } from './filter';
import type { QueryOptions } from './types';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkEntitySet(entitySet: string): string {
  if (!NAME.test(entitySet)) {
    throw new ValidationError(`"${entitySet}" is not an entity set name (like contacts or cre92_scheduledmessages).`, {
      code: 'dataverse.invalidEntitySet',
    });
  }
  return entitySet;
}

export function collectionPath(entitySet: string, query: string): string {
  return query === '' ? checkEntitySet(entitySet) : `${checkEntitySet(entitySet)}?${query}`;
}

export function recordPath(entitySet: string, id: string): string {
  return `${checkEntitySet(entitySet)}(${normalizeGuid(id)})`;
}

function list(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : value.join(',');
  return text.trim() === '' ? undefined : text;
}

type QueryParts = Pick<QueryOptions, 'select' | 'filter' | 'orderBy' | 'top' | 'expand' | 'count'>;

export function buildQuery(options: QueryParts): string {
  if (typeof options.filter === 'string' && options.filter.trim() === '') {
    // An empty $filter would silently match every row: almost always a script's variable that came out empty.
    throw new ValidationError(
      'The filter is empty. Give an OData condition (like "statecode eq 0"), or leave the filter out to get every row.',
      { code: 'dataverse.emptyFilter' },
    );
  }
  const params: [string, string | undefined][] = [
    ['$select', list(options.select)],
    ['$filter', options.filter === undefined ? undefined : String(options.filter)],
    ['$orderby', list(options.orderBy)],
    ['$expand', list(options.expand)],
    ['$count', options.count ? 'true' : undefined],
  ];
  if (options.top !== undefined) {
    if (!Number.isInteger(options.top) || options.top < 1) {
      throw new ValidationError('$top must be a whole number of at least 1.', { code: 'dataverse.invalidTop' });
    }
    params.push(['$top', String(options.top)]);
  }
  return params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}
