import type { ActionContext, ActionResult, ErrorSelection } from './action-types.js';
import { DELETION_KINDS } from './error-selection.js';
import { runPerRecordAction } from './per-record-action.js';
import { deletedSideOf } from './restore-records.action.js';

/**
 * Delete records (a deleted side): deletes the record on the side where it still exists, in one batched
 * call per side, and removes the coupling; the error resolves as DELETED and the log keeps the ids.
 * Refused per item when the deleted record exists again.
 */
export async function deleteRecords(ctx: ActionContext, selection: ErrorSelection): Promise<ActionResult> {
  return runPerRecordAction(
    ctx,
    selection,
    DELETION_KINDS,
    () => 'delete applies to deleted records; both records of this error exist: use synchronize or remove the coupling',
    async ({ work, items, fail, succeed }) => {
      const writer = work.newWriter();
      for (const deletedSide of ['LOCAL', 'INTEGRATION'] as const) {
        const group = items.filter(({ error }) => deletedSideOf(error.kind) === deletedSide);
        if (group.length === 0) continue;
        const survivingSide = deletedSide === 'LOCAL' ? 'INTEGRATION' : 'LOCAL';
        const idOn = (side: 'LOCAL' | 'INTEGRATION', c: (typeof group)[number]['coupling']) =>
          (side === 'LOCAL' ? c.localId : c.integrationId)!;
        const reappeared = await work
          .sideTable(deletedSide)
          .existingIds(group.map(({ coupling }) => idOn(deletedSide, coupling)));
        const deleting = group.filter(({ error, coupling }) => {
          if (!reappeared.has(idOn(deletedSide, coupling))) return true;
          fail(
            error.id,
            'RECORD_EXISTS',
            `the ${deletedSide === 'LOCAL' ? 'local' : 'integration'} record exists again: use retry`,
          );
          return false;
        });
        const results = await work
          .sideTable(survivingSide)
          .delete(deleting.map(({ coupling }) => idOn(survivingSide, coupling)));
        deleting.forEach(({ error, coupling }, index) => {
          const result = results[index];
          if (!result?.ok) {
            fail(error.id, 'WRITE_FAILED', result?.message ?? 'the delete was rejected');
            return;
          }
          writer.log(
            work.logEntry(coupling, {
              direction: survivingSide === 'INTEGRATION' ? 'TO_INTEGRATION' : 'FROM_INTEGRATION',
              action: 'DELETE',
              changes: null,
              message: `deleted the ${survivingSide === 'LOCAL' ? 'local' : 'integration'} record ${idOn(survivingSide, coupling)}, whose counterpart was deleted`,
            }),
          );
          writer.resolveError(coupling.id, 'DELETED');
          writer.deleteCoupling(coupling.id);
          succeed(error.id);
        });
      }
      await work.commit(writer);
    },
  );
}
