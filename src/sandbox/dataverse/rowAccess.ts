// How query options name a row's values: plain columns by logical name, lookups as `_x_value`
// (the GUID), and one hop through a single-valued navigation (`cre92_Session/subject`). Used by
// $filter, $orderby and $select, so all three accept and reject exactly the same names.

import { unknownProperty } from './errors';
import type { PropertyAccess } from './filterCompile';
import { edmTypeOf, isLookupType, lookupColumnOfValueName, type LookupValue, type Row, type TableDef } from './schema';
import type { Store } from './store';

/** The structural property names a table exposes: columns, with lookups under `_x_value`. */
export function propertyNameOf(table: TableDef, column: string): string {
  const def = table.columns.get(column);
  return def && isLookupType(def.type) ? `_${column}_value` : column;
}

export function resolveProperty(table: TableDef, name: string, store: Store): PropertyAccess<Row> {
  const slash = name.indexOf('/');
  if (slash >= 0) return resolveNavigationPath(table, name.slice(0, slash), name.slice(slash + 1), store);
  const lookupColumn = lookupColumnOfValueName(name);
  if (lookupColumn !== undefined) {
    const def = table.columns.get(lookupColumn);
    if (!def || !isLookupType(def.type)) throw unknownProperty(name, table.logicalName);
    return { edmType: 'Edm.Guid', get: (row) => (row[lookupColumn] as LookupValue | null)?.id ?? null };
  }
  const def = table.columns.get(name);
  if (!def || isLookupType(def.type)) throw unknownProperty(name, table.logicalName);
  return { edmType: edmTypeOf(def.type), get: (row) => row[name] ?? null };
}

function resolveNavigationPath(table: TableDef, navName: string, rest: string, store: Store): PropertyAccess<Row> {
  const nav = table.navigations.get(navName);
  if (!nav) throw unknownProperty(navName, table.logicalName);
  const targetRows = store.rows(nav.target);
  const inner = resolveProperty(targetRows.def, rest, store);
  return {
    edmType: inner.edmType,
    get: (row) => {
      const ref = row[nav.column] as LookupValue | null;
      if (!ref || ref.table !== nav.target) return null;
      const target = targetRows.get(ref.id);
      return target ? inner.get(target) : null;
    },
  };
}
