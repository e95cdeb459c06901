// Reads a create/update body into column values the way the Web API does: plain columns by logical
// name with OData type checks, lookups only through `nav@odata.bind` (writing `_x_value` is refused),
// instance annotations ignored, system columns left to the platform, and choices and lengths checked.

import { DEFAULT_TABLES } from '../../core/practice';
import { badPayload, badQuery, DataverseError, recordNotFound, validationFailed } from './errors';
import {
  edmTypeOf,
  isChoiceType,
  isLookupType,
  type CellValue,
  type ColumnDef,
  type Row,
  type Schema,
  type TableDef,
} from './schema';
import type { Store } from './store';
import { normalizeDateTime, normalizeGuid } from './wireValues';

export interface ReferenceContext {
  store: Store;
  schema: Schema;
  /** Batch Content-ID values (`1` → the entity URL created by that part). */
  references?: Map<string, string>;
}

/** `/contacts(<id>)`, `contacts(<id>)`, `<env>/api/data/v9.2/contacts(<id>)` or `$1` → table and id. */
export function resolveReference(text: string, ctx: ReferenceContext): { table: TableDef; id: string } {
  let target = text.trim();
  const reference = /^\$([A-Za-z0-9_-]+)(.*)$/.exec(target);
  if (reference) {
    const url = ctx.references?.get(reference[1]);
    if (!url)
      throw new DataverseError(
        400,
        '0x80060891',
        `Content-ID Reference: '$${reference[1]}' does not exist in the batch context.`,
      );
    target = url + reference[2];
  }
  const apiAt = target.search(/\/api\/data\/v9\.\d\//);
  if (apiAt >= 0) target = target.slice(target.indexOf('/', apiAt + 10) + 1);
  target = target.replace(/^\//, '');
  const match = /^([A-Za-z0-9_]+)\(([^)]*)\)$/.exec(target);
  const table = match ? ctx.schema.tableBySet(match[1]) : undefined;
  const id = match ? normalizeGuid(match[2]) : undefined;
  if (!match || !table || !id) {
    throw badQuery(`The URI '${text}' is not valid because it is not based on the service root.`);
  }
  return { table, id };
}

function convert(table: TableDef, column: ColumnDef, value: unknown): CellValue {
  if (value === null) return null;
  const edm = edmTypeOf(column.type);
  const cannotConvert = (): never => {
    throw badPayload(table.entitySet, `Cannot convert the literal '${String(value)}' to the expected type '${edm}'.`);
  };
  switch (edm) {
    case 'Edm.String':
      if (typeof value !== 'string') {
        throw badPayload(
          table.entitySet,
          `Cannot convert a primitive value to the expected type 'Edm.String'. See the inner exception for more details.`,
        );
      }
      if (column.maxLength !== undefined && value.length > column.maxLength) {
        throw validationFailed(
          '0x80044331',
          `A validation error occurred.  The length of the '${column.logicalName}' attribute of the '${table.logicalName}' entity exceeded the maximum allowed length of '${column.maxLength}'.`,
        );
      }
      return value;
    case 'Edm.Int32':
    case 'Edm.Int64':
      return typeof value === 'number' && Number.isInteger(value) ? value : cannotConvert();
    case 'Edm.Decimal':
      if (typeof value === 'number') return value;
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : cannotConvert();
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? value : cannotConvert();
    case 'Edm.DateTimeOffset':
      return (typeof value === 'string' && normalizeDateTime(value)) || cannotConvert();
    case 'Edm.Guid':
      return (typeof value === 'string' && normalizeGuid(value)) || cannotConvert();
    default:
      return cannotConvert();
  }
}

function checkChoice(table: TableDef, column: ColumnDef, value: CellValue): void {
  if (value === null || !isChoiceType(column.type) || column.type !== 'Picklist') return;
  const accepted = column.options?.map((option) => option.value) ?? [];
  if (!accepted.includes(value as number)) {
    throw validationFailed(
      '0x8004431a',
      `A validation error occurred. The value ${String(value)} of '${column.logicalName}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${accepted.join(',')}`,
    );
  }
}

function bindNavigation(table: TableDef, navName: string, value: unknown, ctx: ReferenceContext): [string, CellValue] {
  const nav = table.navigations.get(navName);
  if (!nav) {
    throw badPayload(
      table.entitySet,
      `An undeclared property '${navName}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
    );
  }
  if (typeof value !== 'string') {
    throw badPayload(table.entitySet, `The value of the '${navName}@odata.bind' annotation must be a URL string.`);
  }
  const ref = resolveReference(value, ctx);
  if (ref.table.logicalName !== nav.target) {
    throw badQuery(
      `An entity of type '${ref.table.logicalName}' cannot be bound through the navigation property '${navName}', which points at '${nav.target}'.`,
    );
  }
  if (!ctx.store.rows(nav.target).get(ref.id)) throw recordNotFound(nav.target, ref.id);
  return [nav.column, { id: ref.id, table: nav.target }];
}

/** The column values a body sets (lookups as LookupValue), checked but not yet applied. */
export function readPayload(table: TableDef, body: unknown, ctx: ReferenceContext): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badPayload(table.entitySet, 'The request payload must be a JSON object describing an entity.');
  }
  const values: Row = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.endsWith('@odata.bind')) {
      const [column, ref] = bindNavigation(table, key.slice(0, -'@odata.bind'.length), value, ctx);
      if (!table.columns.get(column)?.system) values[column] = ref;
      continue;
    }
    if (key.includes('@')) continue; // instance annotations such as @odata.type or formatted values
    if (/^_.+_value$/.test(key) && table.columns.has(key.slice(1, -6))) {
      throw badQuery(
        'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
      );
    }
    const column = table.columns.get(key);
    if (!column || isLookupType(column.type)) {
      throw badPayload(
        table.entitySet,
        `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${table.logicalName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    const converted = convert(table, column, value);
    if (column.system) continue; // the platform owns it (createdon, fullname, versionnumber…)
    checkChoice(table, column, converted);
    values[key] = converted;
  }
  return values;
}

/** Keeps statecode and statuscode consistent, as SetState would: a state alone gets its default status. */
export function reconcileState(table: TableDef, row: Row, changes: Row): void {
  const states = table.columns.get('statecode')?.options;
  const statuses = table.columns.get('statuscode')?.options;
  if (!states || !statuses) return;
  const stateSet = 'statecode' in changes && changes.statecode !== null;
  const statusSet = 'statuscode' in changes && changes.statuscode !== null;
  if (stateSet && !statusSet) {
    row.statuscode = states.find((s) => s.value === row.statecode)?.defaultStatus ?? row.statuscode;
  } else if (statusSet && !stateSet) {
    const state = statuses.find((s) => s.value === row.statuscode)?.state;
    if (state !== undefined) row.statecode = state;
  }
  const status = statuses.find((s) => s.value === row.statuscode);
  if (!states.some((s) => s.value === row.statecode) || !status || status.state !== row.statecode) {
    const stateLabel = states.find((s) => s.value === row.statecode)?.label ?? String(row.statecode);
    throw validationFailed(
      '0x8004431a',
      `${String(row.statuscode)} is not a valid status code for state code ${table.logicalName}State.${stateLabel.replace(/\s/g, '')}.`,
    );
  }
}

/** Columns the platform computes from others. */
export function deriveColumns(table: TableDef, row: Row): void {
  const client = DEFAULT_TABLES.client;
  if (table.logicalName === client.logicalName) {
    const parts = [row[client.columns.firstName], row[client.columns.lastName]];
    row[client.columns.fullName] = parts.filter((part) => typeof part === 'string' && part !== '').join(' ') || null;
  }
  if (table.columns.has('objecttypecode')) {
    const ref = row.objectid as { table: string } | null;
    row.objecttypecode = ref ? ref.table : null;
  }
  if (table.columns.has('activitytypecode')) row.activitytypecode = table.logicalName;
}
