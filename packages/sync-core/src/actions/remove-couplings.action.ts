import { CouplingRepository } from '../repositories/coupling.repository.js';
import type { ActionContext, ActionResult, ErrorSelection } from './action-types.js';
import { announceErrorChanges } from './announce.js';
import { ALL_KINDS, applicableCondition, refusals } from './error-selection.js';
import { logForErrors, resolveErrors } from './record-action-log.js';

/**
 * Remove coupling (any kind of error): the two records are uncoupled and no longer sync, and the error is
 * resolved. The coupling row stays as UNCOUPLED so that a later job neither re-couples nor copies the
 * records. Set-based: a handful of statements whatever the number of errors, in one transaction.
 */
export async function removeCouplings(ctx: ActionContext, selection: ErrorSelection): Promise<ActionResult> {
  const applicable = applicableCondition(selection, ALL_KINDS);
  const at = Date.now();
  const result = await ctx.store.sql.transaction(async (sql) => {
    const refused = await refusals(sql, selection, ALL_KINDS, () => 'not applicable');
    await logForErrors(sql, applicable, { action: 'UNCOUPLE', message: 'coupling removed', actor: ctx.actor, at });
    // No job did this: the couplings keep the mark of the last job that touched them.
    await new CouplingRepository(ctx.store.sql).uncouple(sql, { errorsWhere: applicable }, undefined);
    const succeeded = await resolveErrors(sql, applicable, { resolution: 'UNCOUPLED', actor: ctx.actor, at });
    return { requested: refused.requested, succeeded, failed: refused.failed, failures: refused.failures, jobIds: [] };
  });
  await announceErrorChanges(ctx, selection);
  return result;
}
