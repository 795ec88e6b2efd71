import type { ResolvedField } from '../mappings/resolved-mapping.js';
import { sameValue } from './values.js';

/**
 * How records are matched for coupling (DESIGN.md: match fields), in one place for the engine's coupling of
 * new records (sync-uncoupled.ts) and for a person looking for a record to couple by hand
 * (queries/couple-candidates.ts), so the two never disagree.
 */

/** The mapping's match fields grouped by priority, lowest first: all fields of one group must match. */
export function matchGroups(fields: readonly ResolvedField[]): ResolvedField[][] {
  const byPriority = new Map<number, ResolvedField[]>();
  for (const field of fields.filter((f) => f.useForMatch)) {
    byPriority.set(field.matchPriority, [...(byPriority.get(field.matchPriority) ?? []), field]);
  }
  return [...byPriority.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

/** Match equality: a null never matches; text without regard to case unless the field says so. */
export function equalForMatch(a: unknown, b: unknown, caseSensitive: boolean): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (!caseSensitive && typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return sameValue(a, b);
}
