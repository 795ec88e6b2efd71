import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import { syncedState } from './coupling-state.js';
import type { JobState } from './job-state.js';
import { valuesForNewRecord } from './record-values.js';
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
  job.counters.deleted++;
  if (!pair.local && !pair.integration) {
    writer.deleteCoupling(coupling.id);
    writer.log(
      job.logEntry(coupling, {
        direction: null,
        action: 'UNCOUPLE',
        changes: null,
        message: 'both records were deleted',
      }),
    );
    job.counters.uncoupled++;
    return { couplingId: coupling.id, outcome: 'DELETED', message: 'both records were deleted' };
  }
  const deletedSide = pair.local ? 'INTEGRATION' : 'LOCAL';
  const existing = pair.local ?? pair.integration!;
  const what = deletedSide === 'LOCAL' ? 'local' : 'integration';
  const policy = job.mapping.deletionConflictResolution;

  if (policy === 'REMOVE_COUPLING') {
    writer.updateCoupling(uncoupled(coupling, job.jobId), { identity: true });
    writer.resolveError(coupling.id, 'UNCOUPLED');
    const message = `the ${what} record was deleted; coupling removed by policy REMOVE_COUPLING`;
    writer.log(job.logEntry(coupling, { direction: null, action: 'UNCOUPLE', changes: null, message }));
    job.counters.uncoupled++;
    return { couplingId: coupling.id, outcome: 'DELETED', message };
  }

  if (policy === 'RESTORE_RECORDS') {
    const restored = await restoreRecord(job, writer, coupling, deletedSide, existing);
    return { couplingId: coupling.id, outcome: restored ? 'MODIFIED' : 'FAILED', message: null };
  }

  const message = `The ${what} record ${deletedSide === 'LOCAL' ? coupling.localId : coupling.integrationId} was deleted`;
  writer.updateCoupling({ ...coupling, parked: true, retryRequested: false, lastJobId: job.jobId });
  writer.openError(
    job.errorEntry(coupling, {
      kind: deletedSide === 'LOCAL' ? 'LOCAL_RECORD_DELETED' : 'INTEGRATION_RECORD_DELETED',
      message,
      detail: null,
      fields: null,
    }),
  );
  writer.log(job.logEntry(coupling, { direction: null, action: 'DELETED', changes: null, message }));
  job.counters.failed++;
  return { couplingId: coupling.id, outcome: 'DELETED', message };
}

/** A coupling whose record on `deletedSide` is gone, with the surviving record to re-create it from. */
export interface RestoreItem {
  coupling: CouplingRow;
  deletedSide: 'LOCAL' | 'INTEGRATION';
  existing: { id: string; modifiedUs: number; values: Record<string, unknown> };
}

export interface RestoreOutcome {
  ok: boolean;
  message: string | null;
}

/**
 * Re-creates deleted records from their counterparts, in one batched insert per side, and points each
 * coupling at its new record. Shared by the RESTORE_RECORDS policy and the restore-records action.
 * A rejected insert is recorded as that coupling's write failure. Returns the outcome per coupling id.
 */
export async function restoreRecords(
  job: JobState,
  writer: BatchWriter,
  items: readonly RestoreItem[],
  resolution = 'RESTORED',
): Promise<Map<number, RestoreOutcome>> {
  const outcomes = new Map<number, RestoreOutcome>();
  for (const side of ['LOCAL', 'INTEGRATION'] as const) {
    const inserting: Array<RestoreItem & { values: Record<string, unknown> }> = [];
    for (const item of items.filter((i) => i.deletedSide === side)) {
      try {
        inserting.push({ ...item, values: valuesForNewRecord(job.mapping, side, item.existing, true) });
      } catch (error) {
        const message = `transform failed: ${(error as Error).message}`;
        recordWriteFailure(job, writer, item.coupling, message, null);
        outcomes.set(item.coupling.id, { ok: false, message });
      }
    }
    const results = await job.sideTable(side).insert(inserting.map((i) => i.values));
    inserting.forEach((item, index) => {
      const result = results[index];
      if (!result?.ok) {
        const message = result?.message ?? 'insert failed';
        recordWriteFailure(job, writer, item.coupling, message, result && !result.ok ? (result.detail ?? null) : null);
        outcomes.set(item.coupling.id, { ok: false, message });
        return;
      }
      job.rememberOwnWrite(side, result.id, result.modifiedUs);
      settleRestore(job, writer, item, item.values, result, resolution);
      outcomes.set(item.coupling.id, { ok: true, message: null });
    });
  }
  return outcomes;
}

/** Re-creates one deleted record (the RESTORE_RECORDS policy); true when it was restored. */
export async function restoreRecord(
  job: JobState,
  writer: BatchWriter,
  coupling: CouplingRow,
  deletedSide: 'LOCAL' | 'INTEGRATION',
  existing: RestoreItem['existing'],
): Promise<boolean> {
  const outcomes = await restoreRecords(job, writer, [{ coupling, deletedSide, existing }]);
  return outcomes.get(coupling.id)?.ok ?? false;
}

function settleRestore(
  job: JobState,
  writer: BatchWriter,
  item: RestoreItem,
  values: Record<string, unknown>,
  result: { id: string; modifiedUs: number },
  resolution: string,
): void {
  const { coupling, deletedSide, existing } = item;
  const restored = { id: result.id, modifiedUs: result.modifiedUs, values };
  const updated: CouplingRow = {
    ...coupling,
    ...(deletedSide === 'LOCAL' ? syncedState(job, restored, existing) : syncedState(job, existing, restored)),
  };
  writer.updateCoupling(updated, { identity: true });
  writer.resolveError(coupling.id, resolution);
  writer.log(
    job.logEntry(
      { id: coupling.id, localId: updated.localId, integrationId: updated.integrationId },
      {
        direction: deletedSide === 'LOCAL' ? 'FROM_INTEGRATION' : 'TO_INTEGRATION',
        action: 'RESTORE',
        changes: Object.entries(values).map(([field, after]) => ({ side: deletedSide, field, before: null, after })),
        message: `re-created the deleted ${deletedSide === 'LOCAL' ? 'local' : 'integration'} record as ${result.id}`,
      },
    ),
  );
  job.counters.inserted++;
}

/** The coupling as it is kept once removed: its records no longer sync, and are not coupled again. */
export function uncoupled(coupling: CouplingRow, jobId: number | null): CouplingRow {
  return { ...coupling, state: 'UNCOUPLED', parked: false, retryRequested: false, failureCount: 0, lastJobId: jobId };
}
