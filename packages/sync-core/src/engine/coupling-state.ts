import type { FieldValues } from '../connectors/connector.js';
import type { CouplingState } from '../entities/enums.js';
import type { CouplingRow, NewCoupling } from '../repositories/coupling.repository.js';
import type { JobState } from './job-state.js';
import { snapshotOf } from './record-values.js';

/** One side of a coupling as it stands after a sync: the record's id, its stored modified-on, its values. */
export interface SyncedSide {
  id: string;
  modifiedUs: number;
  values: FieldValues;
}

/** A coupling row that nothing has been synced through yet (a match just found, an insert about to happen). */
export function blankCoupling(
  job: JobState,
  ids: { localId: string | null; integrationId: string | null },
  state: CouplingState,
): NewCoupling {
  return {
    mappingId: job.mapping.id,
    ...ids,
    state,
    localModifiedUs: null,
    integrationModifiedUs: null,
    localValues: null,
    integrationValues: null,
    parked: false,
    failureCount: 0,
    lastFailure: null,
    retryRequested: false,
    lastSyncedAt: null,
    lastJobId: job.jobId,
    createdAt: Date.now(),
  };
}

/**
 * What a coupling records once both of its records hold these values: their ids, the modified-on each
 * now has (so our own writes never come back as changes), the mapped values as the last-synced
 * snapshot, and a clean slate (not parked, no failures, no retry pending).
 */
export function syncedState(
  job: JobState,
  local: SyncedSide,
  integration: SyncedSide,
): Omit<CouplingRow, 'id' | 'mappingId' | 'createdAt'> {
  return {
    localId: local.id,
    integrationId: integration.id,
    state: 'COUPLED',
    localModifiedUs: local.modifiedUs,
    integrationModifiedUs: integration.modifiedUs,
    localValues: snapshotOf(job.mapping, 'LOCAL', local.values),
    integrationValues: snapshotOf(job.mapping, 'INTEGRATION', integration.values),
    parked: false,
    failureCount: 0,
    lastFailure: null,
    retryRequested: false,
    lastSyncedAt: Date.now(),
    lastJobId: job.jobId,
  };
}
