import { useMutation } from '@urql/vue';
import {
  DeleteRecordsMutation,
  RemoveCouplingsMutation,
  RestoreRecordsMutation,
  RetryAllSyncErrorsMutation,
  RetrySyncErrorsMutation,
  SynchronizeSyncErrorsMutation,
} from '../graphql/sync-errors';
import type { ActionScope } from './selection';
import { type ActionOptions, type ActionOutcome, actionOutcome, type DialogAction } from './triage-actions';

/** Runs one triage action (or "Retry all") on ids or on a filter and reports the per-item outcome. */
export function useTriageAction() {
  const retry = useMutation(RetrySyncErrorsMutation);
  const removeCouplings = useMutation(RemoveCouplingsMutation);
  const restore = useMutation(RestoreRecordsMutation);
  const remove = useMutation(DeleteRecordsMutation);
  const synchronize = useMutation(SynchronizeSyncErrorsMutation);
  const retryAll = useMutation(RetryAllSyncErrorsMutation);

  async function run(action: DialogAction, scope: ActionScope, options: ActionOptions): Promise<ActionOutcome> {
    // "All matching" sends the filter, so the server selects every match, pages never loaded included.
    const target = scope.kind === 'ids' ? { ids: scope.ids } : { filter: scope.filter };
    const answer = await (async () => {
      switch (action) {
        case 'RETRY_ALL': {
          // Never widened to "everything": retry all is only sent with the filter it was confirmed for.
          if (scope.kind !== 'filter')
            return { error: new Error('Retry all acts on a filter, not on picked rows.'), result: undefined };
          const r = await retryAll.executeMutation({ filter: scope.filter, runNow: options.runNow ?? false });
          return { error: r.error, result: r.data?.retryAllSyncErrors };
        }
        case 'RETRY': {
          const r = await retry.executeMutation({ ...target, runNow: options.runNow ?? false });
          return { error: r.error, result: r.data?.retrySyncErrors };
        }
        case 'REMOVE_COUPLING': {
          const r = await removeCouplings.executeMutation(target);
          return { error: r.error, result: r.data?.removeCouplings };
        }
        case 'RESTORE_RECORDS': {
          const r = await restore.executeMutation(target);
          return { error: r.error, result: r.data?.restoreRecords };
        }
        case 'DELETE_RECORDS': {
          const r = await remove.executeMutation(target);
          return { error: r.error, result: r.data?.deleteRecords };
        }
        case 'SYNCHRONIZE': {
          const r = await synchronize.executeMutation({
            ...target,
            winner: options.winner ?? 'LOCAL',
            fieldWinners: options.fieldWinners?.length ? options.fieldWinners : null,
          });
          return { error: r.error, result: r.data?.synchronizeSyncErrors };
        }
      }
    })();
    if (answer.error) return { ok: false, message: answer.error.message };
    return actionOutcome(answer.result);
  }

  return { run };
}
