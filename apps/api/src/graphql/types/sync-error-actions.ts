import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  type ActionCounts,
  type ActionResult,
  countApplicableActions,
  deleteRecords,
  deleteSyncEntriesOlderThan,
  type ErrorSelection,
  MAX_IDS_PER_CALL,
  type RetentionResult,
  removeCouplings,
  restoreRecords,
  retryAllSyncErrors,
  retrySyncErrors,
  type SynchronizeRecordsResult,
  synchronizeRecords,
  synchronizeSyncErrors,
} from '@tandem/sync-core';
import { InvalidInputError } from '../../errors/invalid-input.error.js';
import { actionContext } from '../action-context.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseId } from '../ids.js';
import { SideEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';
import { SyncErrorActionEnum, SyncErrorRef } from './sync-error.js';
import { type SyncErrorFilterArg, SyncErrorFilterInput, toSyncErrorFilter } from './sync-error-filter.js';
import { SyncJobRef } from './sync-job.js';

/**
 * The triage mutations of the errors page, over sync-core's actions. Each takes `ids` or `filter`
 * (exactly one), is atomic per item, and answers per item: what was asked, what succeeded, and why each
 * failure failed. Refusals of the whole call (both/neither, too many ids, a bad id) are typed errors and
 * change nothing.
 */

const ActionFailureRef = builder.objectRef<ActionResult['failures'][number]>('SyncErrorActionFailure').implement({
  fields: (t) => ({
    errorId: t.id({ description: 'The SyncError id.', resolve: (f) => encodeGlobalID('SyncError', f.errorId) }),
    error: t.field({
      type: SyncErrorRef,
      nullable: true,
      description:
        'The error itself (its records, mapping, kind), so that a caller acting on a filter can name what failed; null when it does not exist.',
      // Through the error dataloader: one query for all the failures of a result.
      resolve: (f, _args, context) =>
        SyncErrorRef.getDataloader(context)
          .load(f.errorId)
          .catch(() => null),
    }),
    code: t.exposeString('code', {
      description:
        'NOT_FOUND, NOT_OPEN, ACTION_NOT_APPLICABLE, WRITE_FAILED, …; MAPPING_BUSY: a job of the mapping was running, nothing changed, try again when it ends.',
    }),
    reason: t.exposeString('reason'),
    runningJob: t.field({
      type: SyncJobRef,
      nullable: true,
      description: 'MAPPING_BUSY: the job that kept the mapping (null when another action did).',
      resolve: (f) => f.jobId ?? null,
    }),
  }),
});

const ActionResultRef = builder.objectRef<ActionResult>('SyncErrorActionResult').implement({
  description: 'Per-item outcome of a triage action.',
  fields: (t) => ({
    requested: t.exposeInt('requested'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    failures: t.field({
      type: [ActionFailureRef],
      description: 'One per failed item (the first 1,000; `failed` counts them all).',
      resolve: (r) => r.failures,
    }),
    jobs: t.field({
      type: [SyncJobRef],
      description: 'Jobs queued by the action (retry with runNow).',
      resolve: (r) => r.jobIds,
    }),
    releasedForRetry: t.int({
      description:
        'Retry: errors released for the next job, not fixed — each resolves when that job syncs its record or opens again; follow `retryJob` (or `jobs`). 0 for other actions. Retry also counts these in `succeeded`.',
      resolve: (r) => r.released ?? 0,
    }),
    retryJob: t.field({
      type: SyncJobRef,
      nullable: true,
      description:
        'Retry with runNow: the job that runs the released records (the first when they span mappings; all are in `jobs`). Its counters cover exactly those records; `syncErrors(filter: { jobId })` lists the ones that failed again. Null without runNow: the next scheduled job takes them.',
      resolve: (r) => r.jobIds[0] ?? null,
    }),
  }),
});

const RetentionResultRef = builder.objectRef<RetentionResult>('RetentionResult').implement({
  fields: (t) => ({
    jobs: t.exposeInt('jobs'),
    errors: t.exposeInt('errors'),
    logEntries: t.exposeInt('logEntries'),
  }),
});

const FieldWinnerInput = builder.inputType('FieldWinnerInput', {
  fields: (t) => ({
    field: t.string({ required: true }),
    winner: t.field({ type: SideEnum, required: true }),
  }),
});

/** `ids` xor `filter`, checked before anything is read: a refused call changes nothing. */
export function toSelection(
  ids: readonly (string | number)[] | null | undefined,
  filter: SyncErrorFilterArg | null | undefined,
): ErrorSelection {
  if ((ids == null) === (filter == null))
    throw new InvalidInputError('ids, filter', 'give exactly one of ids and filter');
  if (ids != null) {
    if (ids.length === 0) throw new InvalidInputError('ids', 'is empty');
    if (ids.length > MAX_IDS_PER_CALL) {
      throw new InvalidInputError('ids', `at most ${MAX_IDS_PER_CALL} ids per call; use a filter for more`);
    }
    return { ids: ids.map((id) => parseId('SyncError', String(id))) };
  }
  return { filter: toSyncErrorFilter(filter) };
}

const selectionArgs = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) => ({
  ids: t.arg.idList({ description: `SyncError ids (at most ${MAX_IDS_PER_CALL}); or give filter.` }),
  filter: t.arg({ type: SyncErrorFilterInput, description: 'Every OPEN error matching it; or give ids.' }),
});

const ActionCountRef = builder.objectRef<ActionCounts['counts'][number]>('SyncErrorActionCount').implement({
  fields: (t) => ({
    action: t.field({ type: SyncErrorActionEnum, resolve: (c) => c.action }),
    count: t.exposeInt('count', { description: 'Errors of the selection this action would act on.' }),
  }),
});

const ActionCountsRef = builder.objectRef<ActionCounts>('SyncErrorActionCounts').implement({
  description: 'How many errors of a selection each triage action applies to ("Restore 1 of 2").',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Errors in the selection (a filter without statuses: the OPEN ones).' }),
    counts: t.field({
      type: [ActionCountRef],
      description:
        'One per SyncErrorAction, in the console’s order, 0 included; by the rules of SyncError.applicableActions.',
      resolve: (c) => c.counts,
    }),
  }),
});

builder.queryFields((t) => ({
  syncErrorActionCounts: t.field({
    type: ActionCountsRef,
    authScopes: { viewer: true },
    errors: { types: COMMON_ERRORS },
    description:
      'For a selection the triage mutations would take (ids or filter, exactly one), how many errors each action applies to.',
    args: {
      ids: t.arg.idList({ description: `SyncError ids (at most ${MAX_IDS_PER_CALL}); or give filter.` }),
      filter: t.arg({ type: SyncErrorFilterInput, description: 'Every OPEN error matching it; or give ids.' }),
    },
    resolve: (_root, args, context) =>
      reportingInputErrors(() => countApplicableActions(context.services.store, toSelection(args.ids, args.filter))),
  }),
}));

builder.mutationFields((t) => ({
  retrySyncErrors: t.field({
    type: ActionResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: 'Release the couplings so the next job includes them; runNow queues that job at once.',
    args: { ...selectionArgs(t), runNow: t.arg.boolean() },
    resolve: (_root, args, context) =>
      reportingInputErrors(() =>
        retrySyncErrors(actionContext(context), toSelection(args.ids, args.filter), { runNow: args.runNow ?? false }),
      ),
  }),
  retryAllSyncErrors: t.field({
    type: ActionResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: 'Retry every open error matching the filter (all open errors without one).',
    args: { filter: t.arg({ type: SyncErrorFilterInput }), runNow: t.arg.boolean() },
    resolve: (_root, args, context) =>
      reportingInputErrors(() =>
        retryAllSyncErrors(actionContext(context), toSyncErrorFilter(args.filter), { runNow: args.runNow ?? false }),
      ),
  }),
  synchronizeSyncErrors: t.field({
    type: ActionResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: 'Resolve conflicts and write failures now: `winner` wins, except fields named in fieldWinners.',
    args: {
      ...selectionArgs(t),
      winner: t.arg({ type: SideEnum, required: true }),
      fieldWinners: t.arg({ type: [FieldWinnerInput] }),
    },
    resolve: (_root, args, context) =>
      reportingInputErrors(() =>
        synchronizeSyncErrors(actionContext(context), toSelection(args.ids, args.filter), {
          winner: args.winner,
          fieldWinners: args.fieldWinners ?? [],
        }),
      ),
  }),
  restoreRecords: t.field({
    type: ActionResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: 'Re-create deleted records from the other side and couple them again.',
    args: selectionArgs(t),
    resolve: (_root, args, context) =>
      reportingInputErrors(() => restoreRecords(actionContext(context), toSelection(args.ids, args.filter))),
  }),
  deleteRecords: t.field({
    type: ActionResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: 'Delete the record where it still exists and remove the coupling.',
    args: selectionArgs(t),
    resolve: (_root, args, context) =>
      reportingInputErrors(() => deleteRecords(actionContext(context), toSelection(args.ids, args.filter))),
  }),
  removeCouplings: t.field({
    type: ActionResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: 'Uncouple: the records no longer sync; the errors resolve.',
    args: selectionArgs(t),
    resolve: (_root, args, context) =>
      reportingInputErrors(() => removeCouplings(actionContext(context), toSelection(args.ids, args.filter))),
  }),
  deleteSyncEntriesOlderThan: t.field({
    type: RetentionResultRef,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    description: 'Retention: delete log entries, resolved errors and finished jobs older than `days` days (ADMIN).',
    args: { days: t.arg.int({ required: true }) },
    resolve: (_root, args, context) =>
      reportingInputErrors(() => deleteSyncEntriesOlderThan(actionContext(context), args.days)),
  }),
}));

const SynchronizeRecordsFailureRef = builder
  .objectRef<SynchronizeRecordsResult['failures'][number]>('SynchronizeRecordsFailure')
  .implement({
    fields: (t) => ({
      item: t.exposeString('item', { description: 'The record id or the Coupling id as given.' }),
      code: t.exposeString('code', {
        description:
          'NOT_COUPLED (no coupling: couple it with coupleRecords), UNCOUPLED (its coupling was removed), PARKED (an open error holds it: triage that error).',
      }),
      reason: t.exposeString('reason'),
    }),
  });

const SynchronizeRecordsResultRef = builder.objectRef<SynchronizeRecordsResult>('SynchronizeRecordsResult').implement({
  description: 'Per-item outcome of synchronizeRecords: what went into the job, and why the rest did not.',
  fields: (t) => ({
    requested: t.exposeInt('requested'),
    queued: t.exposeInt('queued', { description: 'Couplings the job synchronizes.' }),
    failures: t.field({ type: [SynchronizeRecordsFailureRef], resolve: (r) => r.failures }),
    job: t.field({
      type: SyncJobRef,
      nullable: true,
      description:
        'The MANUAL job scoped to exactly these couplings, requestedBy the caller, whose log entries name the caller; null when none could be queued.',
      resolve: (r) => r.jobId,
    }),
  }),
});

builder.mutationFields((t) => ({
  synchronizeRecords: t.field({
    type: SynchronizeRecordsResultRef,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    description: `Synchronize given records of a mapping now, by hand, as one MANUAL job scoped to their couplings (in the mapping's direction). Record ids of one side (with side) or Coupling ids, at most ${MAX_IDS_PER_CALL}.`,
    args: {
      mappingId: t.arg.id({ required: true }),
      side: t.arg({ type: SideEnum, description: 'The side recordIds are of.' }),
      recordIds: t.arg.stringList({ description: 'Record ids of `side`; or give couplingIds.' }),
      couplingIds: t.arg.idList({ description: 'Coupling ids; or give recordIds.' }),
    },
    resolve: (_root, args, context) => {
      const mappingId = parseId('TableMapping', String(args.mappingId));
      if ((args.couplingIds?.length ?? 0) > MAX_IDS_PER_CALL) {
        throw new InvalidInputError('couplingIds', `at most ${MAX_IDS_PER_CALL} per call`);
      }
      const couplingIds = args.couplingIds?.map((id) => parseId('Coupling', String(id))) ?? null;
      return reportingInputErrors(() =>
        synchronizeRecords(actionContext(context), {
          mappingId,
          side: args.side ?? null,
          recordIds: args.recordIds ?? null,
          couplingIds,
        }),
      );
    },
  }),
}));
