import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import type { JobState } from './job-state.js';
import { otherSide } from './job-state.js';
import { snapshotOf, valuesForNewRecord } from './record-values.js';
import type { CoupledPair, PairResult } from './sync-coupled.js';
import { recordWriteFailure } from './write-failure.js';

/**
 * A coupled record is missing on one side (DESIGN.md rule 5). With deletion policy NONE it becomes a
 * LOCAL_RECORD_DELETED / INTEGRATION_RECORD_DELETED error and the coupling is parked; RESTORE_RECORDS
 * re-creates the record from the other side and re-couples; REMOVE_COUPLING uncouples. Both records
 * gone: the coupling has nothing left to sync and is removed.
 */
export async function handleDeletedSide(job: JobState, writer: BatchWriter, pair: CoupledPair): Promise<PairResult> {
  const { coupling } = pair;
  const now = Date.now();
  const base = {
    mappingId: job.mapping.id,
    couplingId: coupling.id,
    jobId: job.run.jobId,
    localId: coupling.localId,
    integrationId: coupling.integrationId,
    occurredAt: now,
    actor: job.actor,
  };
  job.counters.deleted++;
  if (!pair.local && !pair.integration) {
    writer.deleteCoupling(coupling.id);
    writer.log({ ...base, direction: null, action: 'UNCOUPLE', changes: null, message: 'both records were deleted' });
    job.counters.uncoupled++;
    return { couplingId: coupling.id, outcome: 'DELETED', message: 'both records were deleted' };
  }
  const deletedSide = pair.local ? 'INTEGRATION' : 'LOCAL';
  const existing = pair.local ?? pair.integration!;
  const what = deletedSide === 'LOCAL' ? 'local' : 'integration';
  const policy = job.mapping.deletionConflictResolution;

  if (policy === 'REMOVE_COUPLING') {
    writer.deleteCoupling(coupling.id);
    const message = `the ${what} record was deleted; coupling removed by policy REMOVE_COUPLING`;
    writer.log({ ...base, direction: null, action: 'UNCOUPLE', changes: null, message });
    job.counters.uncoupled++;
    return { couplingId: coupling.id, outcome: 'DELETED', message };
  }

  if (policy === 'RESTORE_RECORDS') {
    const restored = await restoreRecord(job, writer, coupling, deletedSide, existing);
    return { couplingId: coupling.id, outcome: restored ? 'MODIFIED' : 'FAILED', message: null };
  }

  const message = `The ${what} record ${deletedSide === 'LOCAL' ? coupling.localId : coupling.integrationId} was deleted`;
  writer.updateCoupling({ ...coupling, parked: true, retryRequested: false, lastJobId: job.run.jobId });
  writer.openError({
    ...base,
    kind: deletedSide === 'LOCAL' ? 'LOCAL_RECORD_DELETED' : 'INTEGRATION_RECORD_DELETED',
    message,
    detail: null,
    fields: null,
  });
  writer.log({ ...base, direction: null, action: 'DELETED', changes: null, message });
  job.counters.failed++;
  return { couplingId: coupling.id, outcome: 'DELETED', message };
}

/**
 * Re-creates a deleted record from its counterpart and points the coupling at the new record.
 * Shared by the RESTORE_RECORDS policy and the restore-records action.
 */
export async function restoreRecord(
  job: JobState,
  writer: BatchWriter,
  coupling: CouplingRow,
  deletedSide: 'LOCAL' | 'INTEGRATION',
  existing: { id: string; modifiedUs: number; values: Record<string, unknown> },
): Promise<boolean> {
  let values: Record<string, unknown>;
  try {
    values = valuesForNewRecord(job.mapping, deletedSide, existing, true);
  } catch (error) {
    recordWriteFailure(job, writer, coupling, `transform failed: ${(error as Error).message}`, null);
    return false;
  }
  const [result] = await job.sideTable(deletedSide).insert([values]);
  if (!result?.ok) {
    recordWriteFailure(
      job,
      writer,
      coupling,
      result?.message ?? 'insert failed',
      result?.ok ? null : (result?.detail ?? null),
    );
    return false;
  }
  const now = Date.now();
  const existingSide = otherSide(deletedSide);
  const restoredSnapshot = snapshotOf(job.mapping, deletedSide, values);
  const existingSnapshot = snapshotOf(job.mapping, existingSide, existing.values);
  const updated: CouplingRow = {
    ...coupling,
    localId: deletedSide === 'LOCAL' ? result.id : coupling.localId,
    integrationId: deletedSide === 'INTEGRATION' ? result.id : coupling.integrationId,
    localModifiedUs: deletedSide === 'LOCAL' ? result.modifiedUs : existing.modifiedUs,
    integrationModifiedUs: deletedSide === 'INTEGRATION' ? result.modifiedUs : existing.modifiedUs,
    localValues: deletedSide === 'LOCAL' ? restoredSnapshot : existingSnapshot,
    integrationValues: deletedSide === 'INTEGRATION' ? restoredSnapshot : existingSnapshot,
    parked: false,
    failureCount: 0,
    lastFailure: null,
    retryRequested: false,
    lastSyncedAt: now,
    lastJobId: job.run.jobId,
  };
  writer.updateCoupling(updated, { identity: true });
  writer.resolveError(coupling.id, 'RESTORED');
  writer.log({
    mappingId: job.mapping.id,
    couplingId: coupling.id,
    jobId: job.run.jobId,
    localId: updated.localId,
    integrationId: updated.integrationId,
    occurredAt: now,
    direction: deletedSide === 'LOCAL' ? 'FROM_INTEGRATION' : 'TO_INTEGRATION',
    action: 'RESTORE',
    changes: Object.entries(values).map(([field, after]) => ({ side: deletedSide, field, before: null, after })),
    message: `re-created the deleted ${deletedSide === 'LOCAL' ? 'local' : 'integration'} record as ${result.id}`,
    actor: job.actor,
  });
  job.counters.inserted++;
  return true;
}
