import {
  applicableActions,
  applicableActionsFor,
  listSyncErrors,
  type SyncError,
  SyncErrorSchema,
  TRIAGE_ACTIONS,
} from '@tandem/sync-core';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId } from '../ids.js';
import { loadByIds } from '../loaders.js';
import { countedConnection, forwardArgs } from './connection.js';
import { CouplingRef } from './coupling.js';
import { SyncErrorKindEnum, SyncErrorStatusEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';
import { SyncErrorFilterInput, toSyncErrorFilter } from './sync-error-filter.js';
import { SyncJobRef } from './sync-job.js';
import { TableMappingRef } from './table-mapping.js';

export const SyncErrorRef = builder.loadableNodeRef('SyncError', {
  id: { resolve: (error: SyncError) => error.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<SyncError>(context.em, SyncErrorSchema, 'SyncError', ids),
});

/** The triage actions of DESIGN.md's errors page; which apply is sync-core's rule (docs/TRIAGE.md). */
export const SyncErrorActionEnum = builder.enumType('SyncErrorAction', { values: TRIAGE_ACTIONS });

function conflictingFields(error: SyncError): string[] {
  if (!error.fields) return [];
  try {
    const parsed: unknown = JSON.parse(error.fields);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

SyncErrorRef.implement({
  // Read access, also through `node(id:)` (node-access.ts): any authenticated caller.
  authScopes: { viewer: true },
  description: 'One record that could not be synchronized and waits for triage.',
  fields: (t) => ({
    kind: t.field({ type: SyncErrorKindEnum, resolve: (error) => error.kind }),
    status: t.field({ type: SyncErrorStatusEnum, resolve: (error) => error.status }),
    message: t.exposeString('message'),
    detail: t.exposeString('detail', { nullable: true }),
    localId: t.exposeString('localId', { nullable: true }),
    integrationId: t.exposeString('integrationId', { nullable: true }),
    conflictingFields: t.stringList({
      description: 'UPDATE_CONFLICT: the local names of the fields changed on both sides.',
      resolve: conflictingFields,
    }),
    occurredAt: t.field({ type: 'DateTime', resolve: (error) => error.occurredAt }),
    resolvedAt: t.field({ type: 'DateTime', nullable: true, resolve: (error) => error.resolvedAt ?? null }),
    resolvedBy: t.exposeString('resolvedBy', { nullable: true }),
    resolution: t.exposeString('resolution', { nullable: true }),
    actions: t.field({
      type: [SyncErrorActionEnum],
      description: 'The triage actions that apply to this error now.',
      resolve: (error) => applicableActions(error.kind, error.status),
    }),
    applicableActions: t.field({
      type: [SyncErrorActionEnum],
      description:
        'The triage actions that would act on this error now, judged by sync-core from its kind, status and coupling with the rules the actions enforce (`actions` goes by kind only): e.g. no SYNCHRONIZE for a write failure whose record was never created (retry inserts it), none without a coupling. What only the apps can tell (a deleted record that exists again) the action still answers per item.',
      // The coupling through its dataloader: one query for a whole page of errors.
      resolve: async (error, _args, context) => {
        const coupling =
          error.couplingId == null
            ? null
            : await CouplingRef.getDataloader(context)
                .load(error.couplingId)
                .catch(() => null);
        return applicableActionsFor({ kind: error.kind, status: error.status, couplingState: coupling?.state ?? null });
      },
    }),
    mapping: t.field({ type: TableMappingRef, resolve: (error) => error.mappingId }),
    coupling: t.field({ type: CouplingRef, nullable: true, resolve: (error) => error.couplingId ?? null }),
    job: t.field({ type: SyncJobRef, nullable: true, resolve: (error) => error.jobId ?? null }),
  }),
});

export const SyncErrorConnection = countedConnection('SyncErrorConnection', SyncErrorRef);

builder.queryFields((t) => ({
  syncErrors: t.field({
    type: SyncErrorConnection,
    authScopes: { viewer: true },
    description: 'Errors matching the filter, newest first (by when they occurred).',
    args: { filter: t.arg({ type: SyncErrorFilterInput }), ...forwardArgs(t.arg) },
    resolve: (_root, args, context) => {
      const filter = toSyncErrorFilter(args.filter);
      return reportingInputErrors(() => listSyncErrors(context.em, filter, { first: args.first, after: args.after }));
    },
  }),
  syncError: t.field({
    type: SyncErrorRef,
    authScopes: { viewer: true },
    errors: { types: COMMON_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => SyncErrorRef.getDataloader(context).load(parseId('SyncError', String(args.id))),
  }),
}));

builder.objectField(SyncJobRef, 'errors', (t) =>
  t.field({
    type: SyncErrorConnection,
    description: 'The errors this job opened, newest first.',
    args: forwardArgs(t.arg),
    resolve: (job, args, context) =>
      reportingInputErrors(() =>
        listSyncErrors(context.em, { jobId: job.id }, { first: args.first, after: args.after }),
      ),
  }),
);
