// The triage actions of the Coupled Data Synchronization Errors page (DESIGN.md "Triage actions"), and
// retention by hand and on its schedule.
export { type ActionLeaseSettings, DEFAULT_ACTION_LEASE } from './action-lease.js';
export * from './action-types.js';
export {
  type ActionCounts,
  applicableActionsFor,
  countApplicableActions,
  type ErrorApplicabilityFacts,
  synchronizeHasAPair,
} from './applicability.js';
export { type CoupleRecordsInput, type CoupleRecordsResult, coupleRecords } from './couple-records.action.js';
export { deleteRecords } from './delete-records.action.js';
export { MAX_IDS_PER_CALL } from './error-selection.js';
export { removeCouplings } from './remove-couplings.action.js';
export { restoreRecords } from './restore-records.action.js';
export { deleteSyncEntriesOlderThan } from './retention.action.js';
export { RetentionSchedule } from './retention-schedule.js';
export { retryAllSyncErrors, retrySyncErrors } from './retry.action.js';
export { retryWouldRepeat } from './retry-outlook.js';
export { synchronizeSyncErrors } from './synchronize.action.js';
export {
  type SynchronizeRecordsFailure,
  type SynchronizeRecordsInput,
  type SynchronizeRecordsResult,
  synchronizeRecords,
} from './synchronize-records.action.js';
