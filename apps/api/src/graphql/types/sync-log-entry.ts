import { listJobSyncLog, listRecordSyncLog, type SyncLogEntry, SyncLogEntrySchema } from '@tandem/sync-core';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId } from '../ids.js';
import { countedConnection, forwardArgs } from './connection.js';
import { CouplingRef } from './coupling.js';
import { SideEnum, SyncLogActionEnum } from './enums.js';
import { SyncJobRef } from './sync-job.js';
import { TableMappingRef } from './table-mapping.js';

interface FieldChangeShape {
  side: string;
  field: string;
  before: unknown;
  after: unknown;
}

const FieldChangeRef = builder.objectRef<FieldChangeShape>('FieldChange').implement({
  description: 'One field written on one side: its value before and after (as JSON).',
  fields: (t) => ({
    side: t.string({ description: 'The side that was written: LOCAL or INTEGRATION.', resolve: (c) => c.side }),
    field: t.exposeString('field'),
    before: t.string({ nullable: true, resolve: (c) => (c.before === undefined ? null : JSON.stringify(c.before)) }),
    after: t.string({ nullable: true, resolve: (c) => (c.after === undefined ? null : JSON.stringify(c.after)) }),
  }),
});

function parseChanges(entry: SyncLogEntry): FieldChangeShape[] {
  if (!entry.changes) return [];
  try {
    const parsed: unknown = JSON.parse(entry.changes);
    return Array.isArray(parsed) ? (parsed as FieldChangeShape[]) : [];
  } catch {
    return [];
  }
}

export const SyncLogEntryRef = builder.node(builder.objectRef<SyncLogEntry>('SyncLogEntry'), {
  id: { resolve: (entry: SyncLogEntry) => entry.id, parse: parseDatabaseId },
  loadOne: (id, context) => context.em.findOne(SyncLogEntrySchema, { id }),
  // Read access, also through `node(id:)` (node-access.ts): any authenticated caller.
  authScopes: { viewer: true },
  description: 'What one job or action did to one coupling.',
  fields: (t) => ({
    mapping: t.field({ type: TableMappingRef, resolve: (entry) => entry.mappingId }),
    coupling: t.field({
      type: CouplingRef,
      nullable: true,
      description:
        'The coupling the entry was written for; null once it is gone (Delete records removes it): the entry stays in the record’s log.',
      // A removed coupling must not turn the record's history into errors: load it, and answer null when missing.
      resolve: (entry, _args, context) =>
        entry.couplingId == null
          ? null
          : CouplingRef.getDataloader(context)
              .load(entry.couplingId)
              .catch(() => null),
    }),
    job: t.field({ type: SyncJobRef, nullable: true, resolve: (entry) => entry.jobId ?? null }),
    localId: t.exposeString('localId', { nullable: true }),
    integrationId: t.exposeString('integrationId', { nullable: true }),
    occurredAt: t.field({ type: 'DateTime', resolve: (entry) => entry.occurredAt }),
    direction: t.exposeString('direction', {
      nullable: true,
      description: 'TO_INTEGRATION, FROM_INTEGRATION, BIDIRECTIONAL, or null when no data moved.',
    }),
    action: t.field({ type: SyncLogActionEnum, resolve: (entry) => entry.action }),
    changes: t.field({ type: [FieldChangeRef], resolve: parseChanges }),
    message: t.exposeString('message', { nullable: true }),
    actor: t.exposeString('actor', { description: '"job" for the engine, else the API key that acted.' }),
  }),
});

export const SyncLogEntryConnection = countedConnection('SyncLogEntryConnection', SyncLogEntryRef);

builder.queryFields((t) => ({
  recordSyncLog: t.field({
    type: SyncLogEntryConnection,
    authScopes: { viewer: true },
    description:
      "One record's sync history, newest first, by the record's identity (mapping, side, id): every entry, also after its coupling was removed or deleted or its other record deleted.",
    args: {
      mappingId: t.arg.id({ required: true }),
      side: t.arg({ type: SideEnum, required: true }),
      recordId: t.arg.string({ required: true }),
      ...forwardArgs(t.arg),
    },
    resolve: (_root, args, context) => {
      const mappingId = parseId('TableMapping', String(args.mappingId));
      const { side, recordId, first, after } = args;
      return reportingInputErrors(() => listRecordSyncLog(context.em, { mappingId, side, recordId, first, after }));
    },
  }),
}));

builder.objectField(SyncJobRef, 'log', (t) =>
  t.field({
    type: SyncLogEntryConnection,
    description:
      'What this job did, coupling by coupling, newest first; `actions` narrows it (e.g. [FAILED, CONFLICT]).',
    args: { actions: t.arg({ type: [SyncLogActionEnum] }), ...forwardArgs(t.arg) },
    resolve: (job, args, context) =>
      reportingInputErrors(() =>
        listJobSyncLog(context.em, { jobId: job.id, actions: args.actions, first: args.first, after: args.after }),
      ),
  }),
);
