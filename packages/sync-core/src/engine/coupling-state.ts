import type { FieldValues } from '../connectors/connector.js';
import { CLEARED } from '../couplings/coupling-state-machine.js';
import type { CouplingState, Side } from '../entities/enums.js';
import type { CouplingRow, NewCoupling } from '../repositories/coupling.repository.js';
import { snapshotOf } from './record-values.js';
import type { SyncWork } from './sync-work.js';

/** One side of a coupling as it stands after a sync: the record's id, its stored modified-on, its values. */
export interface SyncedSide {
  id: string;
  modifiedUs: number;
  values: FieldValues;
}

/**
 * DESIGN.md rule 2: a record changed when its modified-on is later than the one its coupling stored for
 * that side at the last sync. Our own writes store what they wrote, so they never come back as changes.
 */
export function changedSinceSync(
  coupling: Pick<CouplingRow, 'localModifiedUs' | 'integrationModifiedUs'>,
  side: Side,
  record: { modifiedUs: number },
): boolean {
  const stored = side === 'LOCAL' ? coupling.localModifiedUs : coupling.integrationModifiedUs;
  return stored === null || record.modifiedUs > stored;
}

/** A coupling row that nothing has been synced through yet (a match just found, an insert about to happen). */
export function blankCoupling(
  work: SyncWork,
  ids: { localId: string | null; integrationId: string | null },
  state: CouplingState,
): NewCoupling {
  return {
    mappingId: work.mapping.id,
    ...ids,
    state,
    localModifiedUs: null,
    integrationModifiedUs: null,
    localValues: null,
    integrationValues: null,
    ...CLEARED,
    lastSyncedAt: null,
    lastJobId: work.jobId,
    createdAt: Date.now(),
  };
}

/**
 * What a coupling records once both of its records hold these values (DESIGN.md rule 2): their ids, the
 * modified-on each now has (so our own writes never come back as changes), the mapped values as the
 * last-synced snapshot (so the next job knows which fields changed on which side), and its failures
 * cleared (rule 7).
 */
export function syncedState(work: SyncWork, local: SyncedSide, integration: SyncedSide): SyncedCoupling {
  return syncedSnapshots(
    work,
    { id: local.id, modifiedUs: local.modifiedUs, snapshot: snapshotOf(work.mapping, 'LOCAL', local.values) },
    {
      id: integration.id,
      modifiedUs: integration.modifiedUs,
      snapshot: snapshotOf(work.mapping, 'INTEGRATION', integration.values),
    },
  );
}

/** `syncedState` where the snapshots are known already (a field plan says what each side holds now). */
export function syncedSnapshots(work: SyncWork, local: SyncedSnapshot, integration: SyncedSnapshot): SyncedCoupling {
  return {
    localId: local.id,
    integrationId: integration.id,
    state: 'COUPLED',
    localModifiedUs: local.modifiedUs,
    integrationModifiedUs: integration.modifiedUs,
    localValues: local.snapshot,
    integrationValues: integration.snapshot,
    ...CLEARED,
    lastSyncedAt: Date.now(),
    lastJobId: work.jobId,
  };
}

/** One side of a coupling as synced: the record's id, its stored modified-on and its mapped values. */
export interface SyncedSnapshot {
  id: string;
  modifiedUs: number;
  snapshot: FieldValues;
}

type SyncedCoupling = Omit<CouplingRow, 'id' | 'mappingId' | 'createdAt'>;
