import {
  listSyncJobs,
  MappingNotFoundError,
  QueueUnavailableError,
  type SyncJob,
  SyncJobSchema,
  type SyncJobSnapshot,
} from '@tandem/sync-core';
import { filter, pipe } from 'graphql-yoga';
import { NotFoundError } from '../../errors/not-found.error.js';
import { QueueUnavailableApiError } from '../../errors/queue-unavailable.error.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId, parseOptionalId } from '../ids.js';
import { loadByIds } from '../loaders.js';
import { countedConnection, forwardArgs } from './connection.js';
import { SyncJobStatusEnum, SyncJobTriggerEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';
import { TableMappingRef } from './table-mapping.js';

/**
 * A job as the API sees it: a stored row, or the snapshot a subscription event carries (which lacks the
 * request details; those load on demand, batched).
 */
export type SyncJobShape = Omit<SyncJobSnapshot, 'startedAt' | 'finishedAt' | 'message'> & {
  startedAt?: number | null;
  finishedAt?: number | null;
  message?: string | null;
} & Partial<Pick<SyncJob, 'trigger' | 'full' | 'requestedBy'>>;

export const SyncJobRef = builder.loadableNodeRef('SyncJob', {
  id: { resolve: (job: SyncJobShape) => job.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<SyncJobShape>(context.em, SyncJobSchema, 'SyncJob', ids),
});

const COUNTERS = ['inserted', 'modified', 'deleted', 'unchanged', 'skipped', 'failed', 'coupled', 'uncoupled'] as const;

SyncJobRef.implement({
  // Read access, also through `node(id:)` (node-access.ts): any authenticated caller.
  authScopes: { viewer: true },
  description: 'One run of one mapping: status, timing, counters and message.',
  fields: (t) => ({
    mapping: t.field({ type: TableMappingRef, resolve: (job) => job.mappingId }),
    status: t.field({ type: SyncJobStatusEnum, resolve: (job) => job.status }),
    trigger: t.field({
      type: SyncJobTriggerEnum,
      resolve: async (job, _args, context) =>
        job.trigger ?? (await SyncJobRef.getDataloader(context).load(job.id)).trigger!,
    }),
    full: t.boolean({
      resolve: async (job, _args, context) => job.full ?? (await SyncJobRef.getDataloader(context).load(job.id)).full!,
    }),
    requestedBy: t.string({
      nullable: true,
      resolve: async (job, _args, context) =>
        job.requestedBy !== undefined
          ? job.requestedBy
          : ((await SyncJobRef.getDataloader(context).load(job.id)).requestedBy ?? null),
    }),
    queuedAt: t.field({ type: 'DateTime', resolve: (job) => job.queuedAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.startedAt ?? null }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.finishedAt ?? null }),
    ...Object.fromEntries(COUNTERS.map((name) => [name, t.exposeInt(name)])),
    processed: t.exposeInt('processed', { description: 'Records read so far (both sides); drives progress bars.' }),
    message: t.exposeString('message', { nullable: true }),
  }),
});

export const SyncJobConnection = countedConnection('SyncJobConnection', SyncJobRef);

builder.queryFields((t) => ({
  syncJobs: t.field({
    type: SyncJobConnection,
    authScopes: { viewer: true },
    description: 'Jobs, newest first (by when they were queued).',
    args: { mappingId: t.arg.id(), statuses: t.arg({ type: [SyncJobStatusEnum] }), ...forwardArgs(t.arg) },
    resolve: (_root, args, context) => {
      const mappingId = parseOptionalId('TableMapping', args.mappingId?.toString());
      return reportingInputErrors(() =>
        listSyncJobs(context.em, { mappingId, statuses: args.statuses, first: args.first, after: args.after }),
      );
    },
  }),
  syncJob: t.field({
    type: SyncJobRef,
    authScopes: { viewer: true },
    errors: { types: COMMON_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => SyncJobRef.getDataloader(context).load(parseId('SyncJob', String(args.id))),
  }),
}));

const CancelOutcomeEnum = builder.enumType('CancelOutcome', {
  values: ['CANCELLED', 'CANCEL_REQUESTED', 'ALREADY_FINISHED'] as const,
  description: 'CANCELLED: it had not started. CANCEL_REQUESTED: it stops after its current batch.',
});

const RunSyncPayload = builder.objectRef<{ job: SyncJobShape; alreadyQueued: boolean }>('RunSyncPayload').implement({
  fields: (t) => ({
    job: t.field({ type: SyncJobRef, resolve: (payload) => payload.job }),
    alreadyQueued: t.exposeBoolean('alreadyQueued', {
      description: 'The mapping already had a waiting job; that job was returned.',
    }),
  }),
});

type CancelOutcome = (typeof CancelOutcomeEnum)['$inferType'];
const CancelSyncJobPayload = builder
  .objectRef<{ job: SyncJobShape; outcome: CancelOutcome }>('CancelSyncJobPayload')
  .implement({
    fields: (t) => ({
      job: t.field({ type: SyncJobRef, resolve: (payload) => payload.job }),
      outcome: t.field({ type: CancelOutcomeEnum, resolve: (payload) => payload.outcome }),
    }),
  });

builder.mutationFields((t) => ({
  runSync: t.field({
    type: RunSyncPayload,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    args: { mappingId: t.arg.id({ required: true }), full: t.arg.boolean() },
    resolve: async (_root, args, context) => {
      const mappingId = parseId('TableMapping', String(args.mappingId));
      try {
        const { jobId, alreadyQueued } = await context.services.queue.enqueue(mappingId, {
          trigger: 'MANUAL',
          full: args.full ?? false,
          requestedBy: context.caller?.name ?? null,
        });
        return { job: await SyncJobRef.getDataloader(context).load(jobId), alreadyQueued };
      } catch (error) {
        if (error instanceof MappingNotFoundError) throw new NotFoundError('TableMapping', String(args.mappingId));
        if (error instanceof QueueUnavailableError) {
          throw new QueueUnavailableApiError('the job queue is unavailable (Redis cannot be reached): try again');
        }
        throw error;
      }
    },
  }),
  cancelSyncJob: t.field({
    type: CancelSyncJobPayload,
    authScopes: { operator: true },
    errors: { types: COMMON_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const jobId = parseId('SyncJob', String(args.id));
      const { outcome } = await context.services.queue.cancel(jobId);
      if (outcome === 'NOT_FOUND') throw new NotFoundError('SyncJob', String(args.id));
      const job = await context.em.findOneOrFail(SyncJobSchema, { id: jobId }, { refresh: true });
      return { job, outcome };
    },
  }),
}));

builder.subscriptionFields((t) => ({
  syncJobChanged: t.field({
    type: SyncJobRef,
    authScopes: { viewer: true },
    description: 'A job of the mapping (or of any mapping) was queued, started, progressed or finished.',
    args: { mappingId: t.arg.id() },
    subscribe: (_root, args, context) => {
      const mappingId = parseOptionalId('TableMapping', args.mappingId?.toString());
      return pipe(
        context.services.pubsub.subscribe('syncJobChanged'),
        filter((job: SyncJobSnapshot) => mappingId == null || job.mappingId === mappingId),
      );
    },
    resolve: (job) => job,
  }),
}));
