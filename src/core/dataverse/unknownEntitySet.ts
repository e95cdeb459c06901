// A mistyped entity set (`lc dv query contact`) is the user's input, not the service failing: Dataverse answers
// 404 "Resource not found for the segment 'contact'", and this turns it into a ValidationError that names the
// nearest entity sets of the environment and points at `lc dv tables`.
import { closest, distance } from 'fastest-levenshtein';
import { ValidationError } from '../errors';
import type { TableSummary } from './types';

export const UNKNOWN_RESOURCE_CODE = 'dataverse.unknownResource';

/** The segment named in "Resource not found for the segment 'contact'." (OData's URI parser text). */
export function unknownSegmentOf(message: string): string | undefined {
  return /Resource not found for the segment '([^']+)'/i.exec(message)?.[1];
}

/** Entity sets within a few edits of what was typed, nearest first; a table's logical name leads to its set. */
export function nearestEntitySets(typed: string, tables: readonly TableSummary[], limit = 3): string[] {
  const wanted = typed.toLowerCase();
  const byLogicalName = tables.find((t) => t.logicalName.toLowerCase() === wanted);
  const sets = tables.map((t) => t.entitySet);
  const bound = Math.max(2, Math.floor(wanted.length / 3));
  const near = sets
    .map((set) => ({ set, d: distance(wanted, set.toLowerCase()) }))
    .filter((c) => c.d <= bound)
    .sort((a, b) => a.d - b.d || a.set.localeCompare(b.set))
    .map((c) => c.set);
  const ordered = byLogicalName ? [byLogicalName.entitySet, ...near] : near;
  if (ordered.length === 0 && sets.length > 0 && wanted.length > 3) {
    const guess = closest(wanted, sets);
    if (distance(wanted, guess.toLowerCase()) <= wanted.length / 2) ordered.push(guess);
  }
  return [...new Set(ordered)].slice(0, limit);
}

export function unknownEntitySetError(
  entitySet: string,
  suggestions: readonly string[],
  cause: unknown,
): ValidationError {
  const hint =
    suggestions.length === 0
      ? ''
      : ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}? Queries take the entity set name, usually the plural.`;
  return new ValidationError(
    `This environment has no entity set "${entitySet}".${hint} \`lc dv tables\` lists every table with its entity set.`,
    { code: UNKNOWN_RESOURCE_CODE, detail: { entitySet, suggestions }, cause },
  );
}
