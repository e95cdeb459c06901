// The service's state as JSON for `--data` persistence: each table column-wise (a column list and
// one array per row, lookups as [table, id]), which keeps 200k appointments to a fraction of the
// size of row objects, plus the environment ids and the version counter.

import { z } from 'zod';
import type { CellValue, LookupValue, Row } from './schema';
import type { Store } from './store';

export interface EnvironmentIds {
  tenantId: string;
  organizationId: string;
  businessUnitId: string;
  applicationUserId: string;
  appClientId: string;
}

const FORMAT = 'lifecockpit.dataverse/1';

const stateSchema = z.object({
  format: z.literal(FORMAT),
  environment: z.object({
    tenantId: z.string(),
    organizationId: z.string(),
    businessUnitId: z.string(),
    applicationUserId: z.string(),
    appClientId: z.string(),
  }),
  version: z.number(),
  // Rows are checked as they are decoded: a zod pass over 200k row arrays doubles the import time.
  tables: z.record(z.string(), z.object({ columns: z.array(z.string()), rows: z.array(z.unknown()) })),
});

export type DataverseState = z.infer<typeof stateSchema>;

function encodeCell(value: CellValue | undefined): unknown {
  if (value !== null && typeof value === 'object') return [value.table, value.id];
  return value ?? null;
}

function decodeCell(value: unknown): CellValue {
  if (Array.isArray(value)) return { table: String(value[0]), id: String(value[1]) } satisfies LookupValue;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  throw new Error(`unexpected cell value ${JSON.stringify(value)}`);
}

export function exportStore(store: Store, environment: EnvironmentIds): DataverseState {
  const tables: DataverseState['tables'] = {};
  for (const [name, rows] of store.tables) {
    const columns = rows.def.columnOrder.map((column) => column.logicalName);
    tables[name] = { columns, rows: rows.ordered.map((row) => columns.map((column) => encodeCell(row[column]))) };
  }
  return { format: FORMAT, environment, version: store.currentVersion, tables };
}

/** Loads exported state into the store; returns its environment ids. Throws on a foreign shape. */
export function importStore(store: Store, state: unknown): EnvironmentIds {
  const parsed = stateSchema.parse(state);
  for (const [name, rows] of store.tables) {
    const saved = parsed.tables[name];
    if (!saved) {
      rows.replaceAll([]);
      continue;
    }
    const known = rows.def.columnOrder.map((column) => column.logicalName);
    rows.replaceAll(
      saved.rows.map((cells) => {
        if (!Array.isArray(cells)) throw new Error(`a saved ${name} row is not an array`);
        const row: Row = {};
        for (const column of known) row[column] = null;
        saved.columns.forEach((column, i) => {
          if (rows.def.columns.has(column)) row[column] = decodeCell(cells[i]);
        });
        return row;
      }),
    );
  }
  store.currentVersion = parsed.version;
  return parsed.environment;
}
