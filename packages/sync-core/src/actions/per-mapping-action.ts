import type { SyncErrorKind } from '../entities/enums.js';
import { MappingBusyError } from '../errors/mapping-busy.error.js';
import type { SqlCondition } from '../repositories/sync-error-filter.js';
import { type HeldMappingLease, withMappingLease } from './action-lease.js';
import type { ActionContext, ActionFailure, ActionResult, ErrorSelection } from './action-types.js';
import { announceErrorChanges } from './announce.js';
import {
  addRefusals,
  applicableCondition,
  emptyResult,
  failAll,
  notFoundRefusals,
  refusals,
  selectionMappings,
  withinMapping,
} from './error-selection.js';

/** Which errors an action applies to, and why it refuses the others. */
export interface ActionRule {
  kinds: readonly SyncErrorKind[];
  notApplicable: (kind: SyncErrorKind) => string;
}

/** One mapping's part of an action, run while the action holds the mapping's lease. */
export interface MappingStep {
  mappingId: number;
  /** The selection's errors of this mapping that the action applies to. */
  applicable: SqlCondition;
  lease: HeldMappingLease;
  /** The action's result: the step adds what succeeded and what failed. */
  result: ActionResult;
}

/**
 * The frame of the actions that write a mapping's records or couplings (synchronize, restore, delete,
 * remove coupling): ids that do not exist are refused first; then, mapping by mapping, the action takes
 * the mapping's lease, counts and refuses what it does not apply to, and `act`s on the rest. Counting under
 * the lease means that an error a job resolved while the action waited is reported NOT_OPEN, not lost.
 * A mapping whose lease stays held (a running job) has its applicable items refused MAPPING_BUSY, and one
 * that `open` cannot open (its app is down) MAPPING_UNAVAILABLE: nothing changes for them, and the other
 * mappings go on.
 */
export async function runPerMappingAction<Opened>(
  ctx: ActionContext,
  selection: ErrorSelection,
  rule: ActionRule,
  /** Prepares a mapping's work before its lease is taken (opening the apps' tables needs no lease). */
  open: (mappingId: number) => Promise<Opened>,
  act: (step: MappingStep, opened: Opened) => Promise<void>,
): Promise<ActionResult> {
  const session = ctx.store.sql.session.bind(ctx.store.sql);
  const result = emptyResult();
  addRefusals(result, await session((sql) => notFoundRefusals(sql, selection)));
  const applicable = applicableCondition(selection, rule.kinds);
  for (const mappingId of await session((sql) => selectionMappings(sql, selection))) {
    const step = { mappingId, applicable: withinMapping(applicable, mappingId), result };
    const countAndRefuse = async () =>
      addRefusals(result, await session((sql) => refusals(sql, selection, rule.kinds, rule.notApplicable, mappingId)));
    const refuseMapping = async (failure: Omit<ActionFailure, 'errorId'>) => {
      await countAndRefuse();
      await session((sql) => failAll(sql, step.applicable, failure, result));
    };
    let opened: Opened;
    try {
      opened = await open(mappingId);
    } catch (error) {
      await refuseMapping({ code: 'MAPPING_UNAVAILABLE', reason: (error as Error).message });
      continue;
    }
    let holding = false;
    try {
      await withMappingLease(ctx.store, mappingId, ctx.lease, async (lease) => {
        holding = true;
        await countAndRefuse();
        await act({ ...step, lease }, opened);
      });
    } catch (error) {
      // Only a lease that could not be had refuses the mapping; anything thrown while holding it is the caller's.
      if (holding || !(error instanceof MappingBusyError)) throw error;
      await refuseMapping({
        code: error.code,
        reason: error.message,
        ...(error.jobId != null ? { jobId: error.jobId } : {}),
      });
    }
  }
  await announceErrorChanges(ctx, selection);
  return result;
}
