// Merges the user's table and column overrides (`lifeCockpit.tables`) over the practice defaults.
import { DEFAULT_TABLES, type TableMapping } from './practiceSchema';
import type { Configuration } from './schema';

export function resolveTables(overrides: Configuration['tables']): TableMapping {
  const merged = structuredClone(DEFAULT_TABLES) as unknown as Record<string, Record<string, unknown>>;
  for (const [table, override] of Object.entries(overrides)) {
    if (!override || !merged[table]) continue;
    const { columns, ...names } = override;
    Object.assign(merged[table], names);
    if (columns) Object.assign(merged[table].columns as Record<string, string>, columns);
  }
  return merged as unknown as TableMapping;
}
