/** Enum values shared by the entities, the engine and (later) the GraphQL contract. Names are fixed by DESIGN.md. */
export const SYNC_DIRECTIONS = ['BIDIRECTIONAL', 'TO_INTEGRATION', 'FROM_INTEGRATION'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

export const UPDATE_CONFLICT_RESOLUTIONS = [
  'NONE',
  'SEND_UPDATE_TO_INTEGRATION',
  'GET_UPDATE_FROM_INTEGRATION',
] as const;
export type UpdateConflictResolution = (typeof UPDATE_CONFLICT_RESOLUTIONS)[number];

export const DELETION_CONFLICT_RESOLUTIONS = ['NONE', 'RESTORE_RECORDS', 'REMOVE_COUPLING'] as const;
export type DeletionConflictResolution = (typeof DELETION_CONFLICT_RESOLUTIONS)[number];

export const SYNC_JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'] as const;
export type SyncJobStatus = (typeof SYNC_JOB_STATUSES)[number];
/** The statuses a job ends in (it is no longer queued or running). */
export const FINISHED_JOB_STATUSES = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'] as const satisfies SyncJobStatus[];
export type FinishedJobStatus = (typeof FINISHED_JOB_STATUSES)[number];

export const SYNC_ERROR_KINDS = [
  'UPDATE_CONFLICT',
  'LOCAL_RECORD_DELETED',
  'INTEGRATION_RECORD_DELETED',
  'WRITE_FAILED',
] as const;
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

export const SYNC_ERROR_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type SyncErrorStatus = (typeof SYNC_ERROR_STATUSES)[number];

export const SIDES = ['LOCAL', 'INTEGRATION'] as const;
export type Side = (typeof SIDES)[number];

/** Why a job was started: the schedule, a person or tool ("run now"), or a retry of released couplings. */
export const SYNC_JOB_TRIGGERS = ['SCHEDULE', 'MANUAL', 'RETRY'] as const;
export type SyncJobTrigger = (typeof SYNC_JOB_TRIGGERS)[number];

/** What a sync log entry records. */
export const SYNC_LOG_ACTIONS = [
  'INSERT', // the record was created on the other side and coupled
  'COUPLE', // the record was coupled to an existing record found by its match fields or external key
  'UPDATE', // field values were written to one or both sides
  'UNCHANGED', // a changed record whose mapped fields were already equal (logged only on full sync)
  'CONFLICT', // an update conflict was found (and parked, or resolved by policy)
  'DELETED', // one side of the coupling was found deleted
  'RESTORE', // a deleted record was re-created from the other side
  'UNCOUPLE', // the coupling was removed
  'DELETE', // a record was deleted on one side
  'FAILED', // a write was rejected
  'RETRY', // the coupling was released for retry by an action
] as const;
export type SyncLogAction = (typeof SYNC_LOG_ACTIONS)[number];

export const COUPLING_STATES = ['COUPLED', 'PENDING', 'UNCOUPLED'] as const;
/**
 * PENDING: written before an insert on the other side so that a crash between insert and coupling can be
 * reconciled. UNCOUPLED: the coupling was removed (by an action or the REMOVE_COUPLING policy); the row
 * stays so that the two records, which no longer sync, are not coupled or copied again by a later job.
 */
export type CouplingState = (typeof COUPLING_STATES)[number];
