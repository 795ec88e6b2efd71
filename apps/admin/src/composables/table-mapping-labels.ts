import type { TableMappingFields } from '../graphql/table-mappings';
import type { ResultOf } from '../graphql/tada';
import { formatNumber } from './labels';

export type TableMapping = ResultOf<typeof TableMappingFields>;
export type SyncDirection = TableMapping['direction'];
export type UpdateConflictResolution = TableMapping['updateConflictResolution'];
export type DeletionConflictResolution = TableMapping['deletionConflictResolution'];

/** Changing a mapping is ADMIN only (the API enforces it; the console only hides the form from others). */
export function canEditMappings(role: string | null | undefined): boolean {
  return role === 'ADMIN';
}

// `satisfies Record<…>` makes a value the schema gains fail the typecheck until it has a label.
const DIRECTION_LABELS = {
  BIDIRECTIONAL: 'Both ways',
  TO_INTEGRATION: 'To integration only',
  FROM_INTEGRATION: 'From integration only',
} as const satisfies Record<SyncDirection, string>;

const DIRECTION_ARROWS = {
  BIDIRECTIONAL: '⇄',
  TO_INTEGRATION: '→',
  FROM_INTEGRATION: '←',
} as const satisfies Record<SyncDirection, string>;

const UPDATE_CONFLICT_LABELS = {
  NONE: 'Open a conflict error',
  SEND_UPDATE_TO_INTEGRATION: 'Local wins (send update to integration)',
  GET_UPDATE_FROM_INTEGRATION: 'Integration wins (get update from integration)',
} as const satisfies Record<UpdateConflictResolution, string>;

const DELETION_CONFLICT_LABELS = {
  NONE: 'Open a deletion error',
  RESTORE_RECORDS: 'Restore the deleted record',
  REMOVE_COUPLING: 'Remove the coupling',
} as const satisfies Record<DeletionConflictResolution, string>;

export function directionLabel(direction: SyncDirection): string {
  return DIRECTION_LABELS[direction];
}

/** The arrow between the local and the integration side, as a table reads left to right. */
export function directionArrow(direction: SyncDirection): string {
  return DIRECTION_ARROWS[direction];
}

export function updateConflictLabel(policy: UpdateConflictResolution): string {
  return UPDATE_CONFLICT_LABELS[policy];
}

export function deletionConflictLabel(policy: DeletionConflictResolution): string {
  return DELETION_CONFLICT_LABELS[policy];
}

function options<T extends string>(labels: Record<T, string>): { label: string; value: T }[] {
  return (Object.keys(labels) as T[]).map((value) => ({ label: labels[value], value }));
}

export const DIRECTION_OPTIONS = options<SyncDirection>(DIRECTION_LABELS);
export const UPDATE_CONFLICT_OPTIONS = options<UpdateConflictResolution>(UPDATE_CONFLICT_LABELS);
export const DELETION_CONFLICT_OPTIONS = options<DeletionConflictResolution>(DELETION_CONFLICT_LABELS);

/** "every 30 s", "every 5 min", "every 2 h", "every 90 s"; 0 → "by hand only". */
export function intervalLabel(seconds: number): string {
  if (seconds <= 0) return 'by hand only';
  if (seconds % 3600 === 0) return `every ${formatNumber(seconds / 3600)} h`;
  if (seconds % 60 === 0) return `every ${formatNumber(seconds / 60)} min`;
  return `every ${formatNumber(seconds)} s`;
}

/**
 * When the mapping runs: a disabled mapping runs only by hand whatever its interval, so the interval is
 * named as what it will do once enabled again.
 */
export function scheduleLabel(seconds: number, enabled: boolean): string {
  if (seconds <= 0) return 'by hand only';
  if (!enabled) return `by hand only (disabled; ${intervalLabel(seconds)} when enabled)`;
  return intervalLabel(seconds);
}

/** "erp · customer". */
export function sideLabel(side: { connector: string; table: string }): string {
  return `${side.connector} · ${side.table}`;
}
