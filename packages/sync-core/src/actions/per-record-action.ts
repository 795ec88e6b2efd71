import type { SyncWork } from '../engine/sync-work.js';
import type { SyncErrorKind } from '../entities/enums.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';
import { leaseLostError } from './action-lease.js';
import type { ActionContext, ActionResult, ErrorSelection } from './action-types.js';
import { openActionWork } from './action-work.js';
import { addFailure, failAll, loadApplicable, type SelectedError } from './error-selection.js';
import { runPerMappingAction } from './per-mapping-action.js';

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
 * The frame of the actions that touch the apps' records (synchronize, restore, delete): per mapping, under
 * its lease (`runPerMappingAction`), the applicable errors in chunks, each handed to `body`, which writes
 * through the engine and commits its own batch. The lease is renewed before every chunk; should it have run
 * out, the rest of the mapping's items are refused MAPPING_BUSY and nothing more is written. Per item atomic
 * as far as two apps allow: an item either completes or is reported failed with its reason.
 */
export async function runPerRecordAction(
  ctx: ActionContext,
  selection: ErrorSelection,
  kinds: readonly SyncErrorKind[],
  notApplicable: (kind: SyncErrorKind) => string,
  body: (chunk: RecordChunk) => Promise<void>,
): Promise<ActionResult> {
  return runPerMappingAction(
    ctx,
    selection,
    { kinds, notApplicable },
    (mappingId) => openActionWork(ctx, mappingId),
    async ({ mappingId, applicable, lease, result }, work) => {
      let afterId = 0;
      for (;;) {
        if (!(await lease.stillHeld())) {
          const rest = { sql: `${applicable.sql} and sync_error.id > ?`, params: [...applicable.params, afterId] };
          const lost = leaseLostError(mappingId);
          await ctx.store.sql.session((sql) => failAll(sql, rest, { code: lost.code, reason: lost.message }, result));
          return;
        }
        const errors = await ctx.store.sql.session((sql) => loadApplicable(sql, applicable, afterId, CHUNK));
        if (errors.length === 0) return;
        afterId = errors[errors.length - 1]!.id;
        await bodyOnChunk(work, errors, result, body);
        if (errors.length < CHUNK) return;
      }
    },
  );
}

/** Hands one chunk with its couplings to `body`; an error whose coupling is gone fails COUPLING_MISSING. */
async function bodyOnChunk(
  work: SyncWork,
  errors: SelectedError[],
  result: ActionResult,
  body: (chunk: RecordChunk) => Promise<void>,
): Promise<void> {
  const couplings = new Map((await work.couplings.findByIds(errors.map((e) => e.couplingId))).map((c) => [c.id, c]));
  const items: RecordChunk['items'] = [];
  for (const error of errors) {
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
