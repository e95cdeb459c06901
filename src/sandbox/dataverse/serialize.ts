// Rows as the Web API writes them: `@odata.etag` (W/"versionnumber") first, lookups as `_x_value`,
// the primary key always present, expanded single-valued navigations nested, and — only when
// `odata.include-annotations` asks — formatted values and lookup annotations placed before the
// property they describe, as OData JSON orders them.

import type { AnnotationFilter } from './prefer';
import type { ExpandPlan } from './queryOptions';
import {
  isChoiceType,
  isLookupType,
  optionLabel,
  type ColumnDef,
  type LookupValue,
  type Row,
  type TableDef,
} from './schema';
import type { Store } from './store';

export const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
export const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
export const ASSOCIATED_NAV = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

export interface SerializeOptions {
  select?: string[];
  expand: ExpandPlan[];
  annotations?: AnnotationFilter;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' });
const integer = new Intl.NumberFormat('en-US');

export function etagOf(row: Row): string {
  return `W/"${String(row.versionnumber)}"`;
}

/** The user-facing text Dataverse shows for a value (the practitioner's settings: en-US, UTC, EUR). */
function formattedValue(column: ColumnDef, value: unknown, store: Store): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (isChoiceType(column.type)) return optionLabel(column, value as number);
  switch (column.type) {
    case 'Money':
      return money.format(value as number);
    case 'Integer':
      return integer.format(value as number);
    case 'Boolean':
      return value ? 'Yes' : 'No';
    case 'DateTime':
      return formatDateForDisplay(value as string);
    case 'Lookup':
    case 'Owner': {
      const ref = value as LookupValue;
      const target = store.tables.get(ref.table);
      const row = target?.get(ref.id);
      const name = row?.[target?.def.primaryName ?? ''];
      return typeof name === 'string' ? name : undefined;
    }
    default:
      return undefined;
  }
}

function formatDateForDisplay(iso: string): string {
  const d = new Date(iso);
  const hours = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}

function navigationNameFor(table: TableDef, column: string, targetTable: string): string | undefined {
  for (const nav of table.navigations.values()) {
    if (nav.column === column && nav.target === targetTable) return nav.name;
  }
  return undefined;
}

function writeColumn(
  out: Record<string, unknown>,
  table: TableDef,
  column: ColumnDef,
  row: Row,
  store: Store,
  annotations?: AnnotationFilter,
): void {
  const value = row[column.logicalName] ?? null;
  const lookup = isLookupType(column.type);
  const property = lookup ? `_${column.logicalName}_value` : column.logicalName;
  if (annotations && value !== null) {
    const formatted = annotations.allows(FORMATTED) ? formattedValue(column, value, store) : undefined;
    if (formatted !== undefined) out[`${property}@${FORMATTED}`] = formatted;
    if (lookup) {
      const ref = value as LookupValue;
      const nav = navigationNameFor(table, column.logicalName, ref.table);
      if (nav && annotations.allows(ASSOCIATED_NAV)) out[`${property}@${ASSOCIATED_NAV}`] = nav;
      if (annotations.allows(LOOKUP_LOGICAL_NAME)) out[`${property}@${LOOKUP_LOGICAL_NAME}`] = ref.table;
    }
  }
  out[property] = lookup ? ((value as LookupValue | null)?.id ?? null) : value;
}

export function serializeRow(
  table: TableDef,
  row: Row,
  options: SerializeOptions,
  store: Store,
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row) };
  const columns = options.select ? selectedColumns(table, options.select) : table.columnOrder;
  for (const column of columns) writeColumn(out, table, column, row, store, options.annotations);
  for (const expand of options.expand) {
    const ref = row[expand.nav.column] as LookupValue | null;
    const target =
      ref && ref.table === expand.nav.target ? store.rows(expand.target.logicalName).get(ref.id) : undefined;
    out[expand.nav.name] = target
      ? serializeRow(
          expand.target,
          target,
          { select: expand.select, expand: [], annotations: options.annotations },
          store,
        )
      : null;
  }
  return out;
}

/** The selected columns, then the primary key (Dataverse always returns it). */
function selectedColumns(table: TableDef, select: string[]): ColumnDef[] {
  const columns: ColumnDef[] = [];
  for (const name of select) {
    const column = table.columns.get(/^_(.+)_value$/.exec(name)?.[1] ?? name);
    if (column) columns.push(column);
  }
  const primary = table.columns.get(table.primaryId);
  if (primary && !columns.includes(primary)) columns.push(primary);
  return columns;
}

/** `…/$metadata#contacts(fullname,regardingobjectid_contact_appointment(fullname))` */
export function contextFragment(entitySet: string, options: { select?: string[]; expand: ExpandPlan[] }): string {
  const parts = [...(options.select ?? [])];
  for (const expand of options.expand) {
    parts.push(expand.select ? `${expand.nav.name}(${expand.select.join(',')})` : `${expand.nav.name}()`);
  }
  return parts.length > 0 ? `${entitySet}(${parts.join(',')})` : entitySet;
}
