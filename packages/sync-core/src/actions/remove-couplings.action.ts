import { CouplingRepository } from '../repositories/coupling.repository.js';
import type { ActionContext, ActionResult, ErrorSelection } from './action-types.js';
import { ALL_KINDS } from './error-selection.js';
import { runPerMappingAction } from './per-mapping-action.js';
import { logForErrors, resolveErrors } from './record-action-log.js';

/**
 * Remove coupling (any kind of error): the two records are uncoupled and no longer sync, and the error is
 * resolved. The coupling row stays as UNCOUPLED so that a later job neither re-couples nor copies the
 * records. Set-based: a handful of statements per mapping whatever the number of errors, in one
 * transaction, under the mapping's lease — a job mid-batch on a coupling would otherwise write it back
 * (synced, or failed with a new open error) after it was removed; see docs/TRIAGE.md.
 */
export async function removeCouplings(ctx: ActionContext, selection: ErrorSelection): Promise<ActionResult> {
  return runPerMappingAction(
    ctx,
    selection,
    { kinds: ALL_KINDS, notApplicable: () => 'not applicable' },
    async () => undefined,
    async ({ applicable, result }) => {
      const at = Date.now();
      result.succeeded += await ctx.store.sql.transaction(async (sql) => {
        await logForErrors(sql, applicable, { action: 'UNCOUPLE', message: 'coupling removed', actor: ctx.actor, at });
        // No job did this: the couplings keep the mark of the last job that touched them.
        await new CouplingRepository(ctx.store.sql).uncouple(sql, { errorsWhere: applicable }, undefined);
        return resolveErrors(sql, applicable, { resolution: 'UNCOUPLED', actor: ctx.actor, at });
      });
    },
  );
}
