// Merges the user's table and column overrides (`lifeCockpit.tables`) over the practice defaults.
import { DEFAULT_TABLES, type TableMapping } from './schema';

/** Per table: other entity set / logical names and column names, as `lifeCockpit.tables` holds them. */
export type TableOverrides = Partial<
  Record<keyof TableMapping, { columns?: Record<string, string | undefined>; [name: string]: unknown } | undefined>
>;

export function resolveTables(overrides: TableOverrides): TableMapping {
  const merged = structuredClone(DEFAULT_TABLES) as unknown as Record<string, Record<string, unknown>>;
  for (const [table, override] of Object.entries(overrides)) {
    if (!override || !merged[table]) continue;
    const { columns, ...names } = override;
    Object.assign(merged[table], names);
    if (columns) Object.assign(merged[table].columns as Record<string, string>, columns);
  }
  return merged as unknown as TableMapping;
}
