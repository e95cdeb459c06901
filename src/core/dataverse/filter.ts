// Builds OData `$filter` expressions from typed parts so that no user value is ever spliced raw into the
// query: strings are quoted with `'` doubled (OData's only escape inside a literal), GUIDs and dates are
// checked before they are written unquoted, and column names must look like column names.
import { ValidationError } from '../errors';

/** A finished filter expression; only the functions below make one. */
export class Filter {
  private constructor(readonly text: string) {}

  /** @internal the one constructor, used by the builders in this file. */
  static of(text: string): Filter {
    return new Filter(text);
  }

  toString(): string {
    return this.text;
  }
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMN_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A GUID literal (written unquoted, as Edm.Guid wants). */
export class GuidValue {
  constructor(readonly id: string) {}
}

/** A date-time or date literal (written unquoted, as Edm.DateTimeOffset / Edm.Date want). */
export class DateValue {
  constructor(readonly iso: string) {}
}

export type FilterValue = string | number | boolean | null | Date | GuidValue | DateValue;

export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

/** Checks a GUID (braces allowed) and returns it lower-cased without braces. */
export function normalizeGuid(value: string, what = 'id'): string {
  const bare = value.trim().replace(/^\{(.*)\}$/, '$1');
  if (!isGuid(bare)) {
    throw new ValidationError(`The ${what} "${value}" is not a GUID (like 00000000-0000-0000-0000-000000000000).`, {
      code: 'dataverse.invalidGuid',
    });
  }
  return bare.toLowerCase();
}

export function guid(value: string): GuidValue {
  return new GuidValue(normalizeGuid(value));
}

/** A date-time (Date or ISO text with a zone) or a plain date (YYYY-MM-DD). */
export function date(value: Date | string): DateValue {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidDate(String(value));
    return new DateValue(value.toISOString());
  }
  if ((!ISO_DATE_TIME.test(value) && !ISO_DATE.test(value)) || Number.isNaN(Date.parse(value))) {
    throw invalidDate(value);
  }
  return new DateValue(value);
}

function invalidDate(value: string): ValidationError {
  return new ValidationError(
    `"${value}" is not an ISO date (2025-03-01) or date-time with a zone (2025-03-01T09:00:00Z).`,
    {
      code: 'dataverse.invalidDate',
    },
  );
}

function column(name: string): string {
  if (!COLUMN_PATTERN.test(name)) {
    throw new ValidationError(`"${name}" is not a column name.`, { code: 'dataverse.invalidColumn' });
  }
  return name;
}

/** The builders' column check, for names written outside a filter ($select, $orderby). */
export const checkColumn = column;

/** The OData literal for a value; the only place values become filter text. */
export function literal(value: FilterValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ValidationError(`${value} cannot be used in a filter.`, { code: 'dataverse.invalidNumber' });
    }
    return String(value);
  }
  if (value instanceof Date) return date(value).iso;
  if (value instanceof GuidValue) return normalizeGuid(value.id);
  return date(value.iso).iso;
}

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

function compare(op: Comparison, name: string, value: FilterValue): Filter {
  return Filter.of(`${column(name)} ${op} ${literal(value)}`);
}

export const eq = (name: string, value: FilterValue): Filter => compare('eq', name, value);
export const ne = (name: string, value: FilterValue): Filter => compare('ne', name, value);
export const gt = (name: string, value: FilterValue): Filter => compare('gt', name, value);
export const ge = (name: string, value: FilterValue): Filter => compare('ge', name, value);
export const lt = (name: string, value: FilterValue): Filter => compare('lt', name, value);
export const le = (name: string, value: FilterValue): Filter => compare('le', name, value);

/** Date comparisons: the value is checked and written as an ISO literal. */
export const onOrAfter = (name: string, value: Date | string): Filter => compare('ge', name, date(value));
export const after = (name: string, value: Date | string): Filter => compare('gt', name, date(value));
export const before = (name: string, value: Date | string): Filter => compare('lt', name, date(value));
export const onOrBefore = (name: string, value: Date | string): Filter => compare('le', name, date(value));

function call(fn: 'contains' | 'startswith' | 'endswith', name: string, text: string): Filter {
  return Filter.of(`${fn}(${column(name)},${literal(text)})`);
}

export const contains = (name: string, text: string): Filter => call('contains', name, text);
export const startsWith = (name: string, text: string): Filter => call('startswith', name, text);
export const endsWith = (name: string, text: string): Filter => call('endswith', name, text);

/** A lookup column's value (`_cre92_session_value`) equals a row id. */
export function lookup(name: string, id: string): Filter {
  return compare('eq', name, guid(id));
}

export const isNull = (name: string): Filter => Filter.of(`${column(name)} eq null`);
export const isNotNull = (name: string): Filter => Filter.of(`${column(name)} ne null`);

function combine(op: 'and' | 'or', parts: readonly (Filter | undefined)[]): Filter {
  const present = parts.filter((p): p is Filter => p !== undefined);
  if (present.length === 0) {
    throw new ValidationError(`"${op}" needs at least one condition.`, { code: 'dataverse.emptyFilter' });
  }
  if (present.length === 1) return present[0];
  return Filter.of(present.map((p) => `(${p.text})`).join(` ${op} `));
}

/** All conditions; `undefined` parts are skipped so optional criteria read naturally. */
export const and = (...parts: (Filter | undefined)[]): Filter => combine('and', parts);
export const or = (...parts: (Filter | undefined)[]): Filter => combine('or', parts);
export const not = (part: Filter): Filter => Filter.of(`not (${part.text})`);

/** Any of the values (an `or` of `eq`s; Dataverse's `In` function needs a different syntax per type). */
export function oneOf(name: string, values: readonly FilterValue[]): Filter {
  return or(...values.map((v) => eq(name, v)));
}
