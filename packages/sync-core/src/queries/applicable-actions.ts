import { BOTH_RECORDS_KINDS, DELETION_KINDS } from '../actions/error-selection.js';
import type { SyncErrorKind, SyncErrorStatus } from '../entities/enums.js';

/** The triage actions of the errors page, in the order the console offers them. */
export const TRIAGE_ACTIONS = ['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE', 'RESTORE_RECORDS', 'DELETE_RECORDS'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/**
 * Which actions the actions themselves would accept for an error (docs/TRIAGE.md): taken from the same
 * kind lists the actions check, so the console never offers an action that is then refused for its kind.
 * A resolved error takes none.
 */
export function applicableActions(kind: SyncErrorKind, status: SyncErrorStatus): TriageAction[] {
  if (status !== 'OPEN') return [];
  const actions: TriageAction[] = ['REMOVE_COUPLING'];
  if (BOTH_RECORDS_KINDS.includes(kind)) actions.push('RETRY', 'SYNCHRONIZE');
  if (DELETION_KINDS.includes(kind)) actions.push('RESTORE_RECORDS', 'DELETE_RECORDS');
  return actions;
}
