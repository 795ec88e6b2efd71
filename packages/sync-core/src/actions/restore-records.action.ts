import { type RestoreItem, restoreRecords as restoreDeleted } from '../engine/restore-records.js';
import type { ActionContext, ActionResult, ErrorSelection } from './action-types.js';
import { DELETION_KINDS } from './error-selection.js';
import { runPerRecordAction } from './per-record-action.js';

/**
 * Restore records (a deleted side): re-creates each deleted record from the other side's current data,
 * with every mapped field, in batched inserts, and couples the new record. The error resolves as RESTORED.
 * Refused per item when the surviving record is gone too, or when the deleted one exists again.
 */
export async function restoreRecords(ctx: ActionContext, selection: ErrorSelection): Promise<ActionResult> {
  return runPerRecordAction(
    ctx,
    selection,
    DELETION_KINDS,
    () => 'restore applies to deleted records; both records of this error exist: use retry or synchronize',
    async ({ work, items, fail, succeed }) => {
      const survivors = new Map<string, RestoreItem['existing']>();
      const deleted = new Set<string>();
      for (const side of ['LOCAL', 'INTEGRATION'] as const) {
        const deletedHere = items.filter(({ error }) => deletedSideOf(error.kind) === side);
        const survivingIds = deletedHere.map(({ coupling }) =>
          side === 'LOCAL' ? coupling.integrationId! : coupling.localId!,
        );
        const deletedIds = deletedHere.map(({ coupling }) =>
          side === 'LOCAL' ? coupling.localId! : coupling.integrationId!,
        );
        for (const record of await work.sideTable(side === 'LOCAL' ? 'INTEGRATION' : 'LOCAL').getByIds(survivingIds)) {
          survivors.set(`${side}:${record.id}`, record);
        }
        for (const id of await work.sideTable(side).existingIds(deletedIds)) deleted.add(`${side}:${id}`);
      }
      const restoring: RestoreItem[] = [];
      const errorOf = new Map<number, number>();
      for (const { error, coupling } of items) {
        const side = deletedSideOf(error.kind);
        const deletedId = side === 'LOCAL' ? coupling.localId : coupling.integrationId;
        const survivorId = side === 'LOCAL' ? coupling.integrationId : coupling.localId;
        const existing = survivors.get(`${side}:${survivorId}`);
        if (deleted.has(`${side}:${deletedId}`)) {
          fail(
            error.id,
            'RECORD_EXISTS',
            `the ${side === 'LOCAL' ? 'local' : 'integration'} record exists again: use retry`,
          );
        } else if (!existing) {
          fail(error.id, 'RECORD_MISSING', 'both records are gone: nothing to restore from; remove the coupling');
        } else {
          restoring.push({ coupling, deletedSide: side, existing });
          errorOf.set(coupling.id, error.id);
        }
      }
      const writer = work.newWriter();
      const outcomes = await restoreDeleted(work, writer, restoring);
      await work.commit(writer);
      for (const [couplingId, outcome] of outcomes) {
        const errorId = errorOf.get(couplingId)!;
        if (outcome.ok) succeed(errorId);
        else fail(errorId, 'WRITE_FAILED', outcome.message ?? 'the insert was rejected');
      }
    },
  );
}

export function deletedSideOf(kind: string): 'LOCAL' | 'INTEGRATION' {
  return kind === 'LOCAL_RECORD_DELETED' ? 'LOCAL' : 'INTEGRATION';
}
