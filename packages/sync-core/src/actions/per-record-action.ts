import type { SyncWork } from '../engine/sync-work.js';
import type { SyncErrorKind } from '../entities/enums.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { ActionContext, ActionResult, ErrorSelection } from './action-types.js';
import { ActionWorkCache } from './action-work.js';
import { announceErrorChanges } from './announce.js';
import { addFailure, applicableCondition, loadApplicable, refusals, type SelectedError } from './error-selection.js';

/** One chunk of applicable errors of one mapping, with their couplings, handed to an action's body. */
export interface RecordChunk {
  work: SyncWork;
  items: Array<{ error: SelectedError; coupling: CouplingRow }>;
  /** Records that this item failed, with its reason; nothing else changes for it. */
  fail(errorId: number, code: string, reason: string): void;
  /** Records that this item succeeded. */
  succeed(errorId: number): void;
}

const CHUNK = 500;

/**
 * The frame of the actions that touch the apps' records (synchronize, restore, delete): refusals first,
 * then the applicable errors in chunks per mapping, each chunk handed to `body`, which writes through the
 * engine and commits its own batch. Per item atomic as far as two apps allow: an item either completes or
 * is reported failed with its reason.
 */
export async function runPerRecordAction(
  ctx: ActionContext,
  selection: ErrorSelection,
  kinds: readonly SyncErrorKind[],
  notApplicable: (kind: SyncErrorKind) => string,
  body: (chunk: RecordChunk) => Promise<void>,
): Promise<ActionResult> {
  const applicable = applicableCondition(selection, kinds);
  const refused = await ctx.store.sql.session((sql) => refusals(sql, selection, kinds, notApplicable));
  const result: ActionResult = {
    requested: refused.requested,
    succeeded: 0,
    failed: refused.failed,
    failures: refused.failures,
    jobIds: [],
  };
  const works = new ActionWorkCache(ctx);
  let afterId = 0;
  for (;;) {
    const errors = await ctx.store.sql.session((sql) => loadApplicable(sql, applicable, afterId, CHUNK));
    if (errors.length === 0) break;
    afterId = errors[errors.length - 1]!.id;
    const byMapping = new Map<number, SelectedError[]>();
    for (const error of errors) byMapping.set(error.mappingId, [...(byMapping.get(error.mappingId) ?? []), error]);
    for (const [mappingId, group] of byMapping) {
      let work: SyncWork;
      try {
        work = await works.get(mappingId);
      } catch (error) {
        for (const item of group)
          addFailure(result, { errorId: item.id, code: 'MAPPING_UNAVAILABLE', reason: (error as Error).message });
        continue;
      }
      const couplings = new Map((await work.couplings.findByIds(group.map((e) => e.couplingId))).map((c) => [c.id, c]));
      const items: RecordChunk['items'] = [];
      for (const error of group) {
        const coupling = couplings.get(error.couplingId);
        if (coupling) items.push({ error, coupling });
        else
          addFailure(result, {
            errorId: error.id,
            code: 'COUPLING_MISSING',
            reason: 'the error has no coupling left to act on',
          });
      }
      await body({
        work,
        items,
        fail: (errorId, code, reason) => addFailure(result, { errorId, code, reason }),
        succeed: () => {
          result.succeeded++;
        },
      });
    }
    if (errors.length < CHUNK) break;
  }
  await announceErrorChanges(ctx, selection);
  return result;
}
