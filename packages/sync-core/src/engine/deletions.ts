import type { BatchWriter } from './batch-writer.js';
import type { CoupledPair, PairResult } from './coupled-pair.js';
import { restoreRecords } from './restore-records.js';
import type { SyncWork } from './sync-work.js';

/**
 * A coupled record is missing on one side (DESIGN.md rule 5). With deletion policy NONE it becomes a
 * LOCAL_RECORD_DELETED / INTEGRATION_RECORD_DELETED error and the coupling is parked; RESTORE_RECORDS
 * re-creates the record from the other side and re-couples; REMOVE_COUPLING uncouples. Both records
 * gone: the coupling has nothing left to sync and is removed.
 */
export async function handleDeletedSide(work: SyncWork, writer: BatchWriter, pair: CoupledPair): Promise<PairResult> {
  const { coupling } = pair;
  if (!pair.local && !pair.integration) {
    const message = 'both records were deleted';
    writer.deleteCoupling(coupling.id);
    writer.log(work.logEntry(coupling, { direction: null, action: 'UNCOUPLE', changes: null, message }));
    writer.report.outcome('DELETION_UNCOUPLED');
    return { couplingId: coupling.id, outcome: 'DELETED', message };
  }
  const deletedSide = pair.local ? 'INTEGRATION' : 'LOCAL';
  const existing = pair.local ?? pair.integration!;
  const what = deletedSide === 'LOCAL' ? 'local' : 'integration';
  const policy = work.mapping.deletionConflictResolution;

  if (policy === 'REMOVE_COUPLING') {
    const message = `the ${what} record was deleted; coupling removed by policy REMOVE_COUPLING`;
    writer.uncouple(coupling.id);
    writer.resolveError(coupling.id, 'UNCOUPLED');
    writer.log(work.logEntry(coupling, { direction: null, action: 'UNCOUPLE', changes: null, message }));
    writer.report.outcome('DELETION_UNCOUPLED');
    return { couplingId: coupling.id, outcome: 'DELETED', message };
  }

  if (policy === 'RESTORE_RECORDS') {
    const outcomes = await restoreRecords(work, writer, [{ coupling, deletedSide, existing }]);
    // A rejected insert was recorded as the coupling's write failure, and counts as that.
    const restored = outcomes.get(coupling.id)?.ok ?? false;
    if (restored) writer.report.outcome('DELETION_RESTORED');
    return { couplingId: coupling.id, outcome: restored ? 'MODIFIED' : 'FAILED', message: null };
  }

  const message = `The ${what} record ${deletedSide === 'LOCAL' ? coupling.localId : coupling.integrationId} was deleted`;
  writer.park(coupling.id);
  writer.openError(
    work.errorEntry(coupling, {
      kind: deletedSide === 'LOCAL' ? 'LOCAL_RECORD_DELETED' : 'INTEGRATION_RECORD_DELETED',
      message,
      detail: null,
      fields: null,
    }),
  );
  writer.log(work.logEntry(coupling, { direction: null, action: 'DELETED', changes: null, message }));
  writer.report.outcome('DELETION_PARKED');
  return { couplingId: coupling.id, outcome: 'DELETED', message };
}
