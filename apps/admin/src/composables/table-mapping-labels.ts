import type { TableMappingFields } from '../graphql/table-mappings';
import type { ResultOf } from '../graphql/tada';
import { t } from '../i18n';
import { formatNumber } from './labels';

export type TableMapping = ResultOf<typeof TableMappingFields>;
export type SyncDirection = TableMapping['direction'];
export type UpdateConflictResolution = TableMapping['updateConflictResolution'];
export type DeletionConflictResolution = TableMapping['deletionConflictResolution'];

/** Changing a mapping is ADMIN only (the API enforces it; the console only hides the form from others). */
export function canEditMappings(role: string | null | undefined): boolean {
  return role === 'ADMIN';
}

const DIRECTIONS = ['BIDIRECTIONAL', 'TO_INTEGRATION', 'FROM_INTEGRATION'] as const satisfies readonly SyncDirection[];
const UPDATE_POLICIES = [
  'NONE',
  'SEND_UPDATE_TO_INTEGRATION',
  'GET_UPDATE_FROM_INTEGRATION',
] as const satisfies readonly UpdateConflictResolution[];
const DELETION_POLICIES = [
  'NONE',
  'RESTORE_RECORDS',
  'REMOVE_COUPLING',
] as const satisfies readonly DeletionConflictResolution[];

const DIRECTION_ARROWS = {
  BIDIRECTIONAL: '⇄',
  TO_INTEGRATION: '→',
  FROM_INTEGRATION: '←',
} as const satisfies Record<SyncDirection, string>;

// The words are in the message files (`mappings.directions`, `.updatePolicies`, `.deletionPolicies`), one per
// schema value: a value the schema gains fails the typecheck of the key until both files name it.
export function directionLabel(direction: SyncDirection): string {
  return t(`mappings.directions.${direction}`);
}

/** The arrow between the local and the integration side, as a table reads left to right. */
export function directionArrow(direction: SyncDirection): string {
  return DIRECTION_ARROWS[direction];
}

export function updateConflictLabel(policy: UpdateConflictResolution): string {
  return t(`mappings.updatePolicies.${policy}`);
}

export function deletionConflictLabel(policy: DeletionConflictResolution): string {
  return t(`mappings.deletionPolicies.${policy}`);
}

/** A select's options, in the console's language at the time of asking (call it inside a computed). */
export const directionOptions = () => DIRECTIONS.map((value) => ({ label: directionLabel(value), value }));
export const updateConflictOptions = () =>
  UPDATE_POLICIES.map((value) => ({ label: updateConflictLabel(value), value }));
export const deletionConflictOptions = () =>
  DELETION_POLICIES.map((value) => ({ label: deletionConflictLabel(value), value }));

/** "every 30 s", "every 5 min", "every 2 h", "every 90 s"; 0 → "by hand only". */
export function intervalLabel(seconds: number): string {
  if (seconds <= 0) return t('mappings.schedule.byHand');
  if (seconds % 3600 === 0) return t('mappings.schedule.hours', { n: formatNumber(seconds / 3600) });
  if (seconds % 60 === 0) return t('mappings.schedule.minutes', { n: formatNumber(seconds / 60) });
  return t('mappings.schedule.seconds', { n: formatNumber(seconds) });
}

/**
 * When the mapping runs: a disabled mapping runs only by hand whatever its interval, so the interval is
 * named as what it will do once enabled again.
 */
export function scheduleLabel(seconds: number, enabled: boolean): string {
  if (seconds <= 0) return t('mappings.schedule.byHand');
  if (!enabled) return t('mappings.schedule.disabled', { interval: intervalLabel(seconds) });
  return intervalLabel(seconds);
}

/** "erp · customer". */
export function sideLabel(side: { connector: string; table: string }): string {
  return `${side.connector} · ${side.table}`;
}
