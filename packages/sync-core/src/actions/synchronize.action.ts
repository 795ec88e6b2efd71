import type { CoupledPair } from '../engine/coupled-pair.js';
import { syncCoupledPairs } from '../engine/sync-coupled.js';
import type { SyncWork } from '../engine/sync-work.js';
import type { Side } from '../entities/enums.js';
import type { ActionContext, ActionResult, ErrorSelection, SynchronizeOptions } from './action-types.js';
import { synchronizeHasAPair } from './applicability.js';
import { BOTH_RECORDS_KINDS } from './error-selection.js';
import { runPerRecordAction } from './per-record-action.js';

/**
 * Synchronize (update conflicts and failed writes): resolves each record now, the chosen side winning —
 * for the whole record, or field by field (`fieldWinners`, by local or integration field name; other
 * fields take `winner`). Both records are read again, written through the engine, and the coupling's
 * last-synced values become the result; the error resolves as SYNCHRONIZED and the log names the actor.
 * A record whose write fails stays open with the app's message as the item's reason.
 */
export async function synchronizeSyncErrors(
  ctx: ActionContext,
  selection: ErrorSelection,
  options: SynchronizeOptions,
): Promise<ActionResult> {
  return runPerRecordAction(
    ctx,
    selection,
    BOTH_RECORDS_KINDS,
    (kind) =>
      `synchronize needs both records, and the ${kind === 'LOCAL_RECORD_DELETED' ? 'local' : 'integration'} record was deleted: restore or delete records, or remove the coupling`,
    async ({ work, items, fail, succeed }) => {
      const fieldWinners = resolveFieldWinners(work, options.fieldWinners ?? []);
      if (typeof fieldWinners === 'string') {
        for (const { error } of items) fail(error.id, 'UNKNOWN_FIELD', fieldWinners);
        return;
      }
      // The rule SyncError.applicableActions shows (applicability.ts): no pair, nothing to synchronize.
      const pending = items.filter(({ coupling }) => !synchronizeHasAPair(coupling.state));
      for (const { error } of pending) {
        fail(
          error.id,
          'ACTION_NOT_APPLICABLE',
          'the record was never created on the other side: use retry to insert it',
        );
      }
      const coupled = items.filter(({ coupling }) => synchronizeHasAPair(coupling.state));
      const [locals, integrations] = await Promise.all([
        work.local.getByIds(coupled.map(({ coupling }) => coupling.localId!)),
        work.integration.getByIds(coupled.map(({ coupling }) => coupling.integrationId!)),
      ]);
      const localById = new Map(locals.map((r) => [r.id, r]));
      const integrationById = new Map(integrations.map((r) => [r.id, r]));
      const pairs: CoupledPair[] = [];
      const errorOf = new Map<number, number>();
      for (const { error, coupling } of coupled) {
        const local = localById.get(coupling.localId!);
        const integration = integrationById.get(coupling.integrationId!);
        if (!local || !integration) {
          fail(error.id, 'RECORD_MISSING', `the ${local ? 'integration' : 'local'} record no longer exists`);
          continue;
        }
        pairs.push({ coupling, local, integration });
        errorOf.set(coupling.id, error.id);
      }
      const writer = work.newWriter();
      const results = await syncCoupledPairs(work, pairs, writer, {
        winner: options.winner,
        fieldWinners,
        resolution: 'SYNCHRONIZED',
        countUnchanged: true,
      });
      await work.commit(writer);
      for (const outcome of results) {
        const errorId = errorOf.get(outcome.couplingId)!;
        if (outcome.outcome === 'MODIFIED' || outcome.outcome === 'UNCHANGED') succeed(errorId);
        else fail(errorId, 'WRITE_FAILED', outcome.message ?? 'the write was rejected');
      }
    },
  );
}

/** Per-field winners keyed by local field name; a name the mapping does not know is an error message. */
function resolveFieldWinners(
  work: SyncWork,
  choices: ReadonlyArray<{ field: string; winner: Side }>,
): Map<string, Side> | string {
  const winners = new Map<string, Side>();
  for (const { field, winner } of choices) {
    const mapped = work.mapping.fields.find((f) => f.localField === field || f.integrationField === field);
    if (!mapped) return `mapping "${work.mapping.name}" has no field "${field}"`;
    winners.set(mapped.localField, winner);
  }
  return winners;
}
