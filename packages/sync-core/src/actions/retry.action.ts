import { CouplingRepository } from '../repositories/coupling.repository.js';
import { toNumber } from '../repositories/sql-values.js';
import type { SyncErrorFilter } from '../repositories/sync-error-filter.js';
import type { ActionContext, ActionResult, ErrorSelection, RetryOptions } from './action-types.js';
import { announceErrorChanges } from './announce.js';
import { applicableCondition, BOTH_RECORDS_KINDS, refusals } from './error-selection.js';
import { logForErrors } from './record-action-log.js';

/**
 * Retry (update conflicts and failed writes: both records exist): releases each error's coupling so that
 * the next job includes it — unparked, failure count reset, marked for retry. The error stays open until
 * that job syncs the record (then it resolves) or fails again (then it is refreshed: one open error, not
 * two). With `runNow`, a RETRY job per mapping is queued at once for exactly these couplings.
 * Set-based, in one transaction. Jobs work released couplings in throttled batches (see `retryRecordsPerSecond`).
 */
export async function retrySyncErrors(
  ctx: ActionContext,
  selection: ErrorSelection,
  options: RetryOptions = {},
): Promise<ActionResult> {
  const applicable = applicableCondition(selection, BOTH_RECORDS_KINDS);
  const at = Date.now();
  const outcome = await ctx.store.sql.transaction(async (sql) => {
    const refused = await refusals(
      sql,
      selection,
      BOTH_RECORDS_KINDS,
      (kind) =>
        `retry needs both records, and the ${kind === 'LOCAL_RECORD_DELETED' ? 'local' : 'integration'} record was deleted: restore or delete records, or remove the coupling`,
    );
    const released = options.runNow
      ? await sql.query<{ mapping_id: unknown; coupling_id: unknown }>(
          `select mapping_id, coupling_id from sync_error where ${applicable.sql}`,
          applicable.params,
        )
      : [];
    await logForErrors(sql, applicable, { action: 'RETRY', message: 'released for retry', actor: ctx.actor, at });
    const succeeded = await new CouplingRepository(ctx.store.sql).releaseForRetry(sql, { errorsWhere: applicable });
    return { refused, released, succeeded };
  });
  return finish(ctx, selection, outcome, options);
}

async function finish(
  ctx: ActionContext,
  selection: ErrorSelection,
  outcome: {
    refused: Awaited<ReturnType<typeof refusals>>;
    released: Array<{ mapping_id: unknown; coupling_id: unknown }>;
    succeeded: number;
  },
  options: RetryOptions,
): Promise<ActionResult> {
  const jobIds: number[] = [];
  if (options.runNow && ctx.queue) {
    const byMapping = new Map<number, number[]>();
    for (const row of outcome.released) {
      const mappingId = toNumber(row.mapping_id);
      byMapping.set(mappingId, [...(byMapping.get(mappingId) ?? []), toNumber(row.coupling_id)]);
    }
    for (const [mappingId, scope] of byMapping) {
      const { jobId } = await ctx.queue.enqueue(mappingId, { trigger: 'RETRY', scope, requestedBy: ctx.actor });
      jobIds.push(jobId);
    }
  }
  await announceErrorChanges(ctx, selection);
  return {
    requested: outcome.refused.requested,
    succeeded: outcome.succeeded,
    failed: outcome.refused.failed,
    failures: outcome.refused.failures,
    jobIds,
    released: outcome.succeeded,
  };
}

/** Retry all: every open error matching the filter (DESIGN.md's "retry all"). */
export function retryAllSyncErrors(
  ctx: ActionContext,
  filter: SyncErrorFilter = {},
  options: RetryOptions = {},
): Promise<ActionResult> {
  return retrySyncErrors(ctx, { filter: { ...filter, statuses: ['OPEN'] } }, options);
}
