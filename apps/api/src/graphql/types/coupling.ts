import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  COUPLING_STATES,
  MappingBusyError as CoreMappingBusyError,
  type Coupling,
  CouplingSchema,
  coupleRecords,
  listCouplings,
  MappingNotFoundError,
} from '@tandem/sync-core';
import { MappingBusyError, NotFoundError } from '../../errors/index.js';
import { actionContext } from '../action-context.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId, parseOptionalId } from '../ids.js';
import { loadByIds } from '../loaders.js';
import { countedConnection, forwardArgs } from './connection.js';
import { SideEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';
import { TableMappingRef } from './table-mapping.js';

export const CouplingRef = builder.loadableNodeRef('Coupling', {
  id: { resolve: (coupling: Coupling) => coupling.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<Coupling>(context.em, CouplingSchema, 'Coupling', ids),
});

const CouplingStateEnum = builder.enumType('CouplingState', {
  values: COUPLING_STATES,
  description:
    'PENDING: written before an insert on the other side, until the insert is confirmed. UNCOUPLED: removed by an action; its records no longer sync.',
});

CouplingRef.implement({
  // Read access, also through `node(id:)` (node-access.ts): any authenticated caller.
  authScopes: { viewer: true },
  description: 'One local record ↔ one integration record, with what was last synced on each side.',
  fields: (t) => ({
    mapping: t.field({ type: TableMappingRef, resolve: (coupling) => coupling.mappingId }),
    localId: t.exposeString('localId', { nullable: true }),
    integrationId: t.exposeString('integrationId', { nullable: true }),
    state: t.field({ type: CouplingStateEnum, resolve: (coupling) => coupling.state }),
    parked: t.exposeBoolean('parked', { description: 'Waits for a triage action; later jobs skip it.' }),
    retryRequested: t.exposeBoolean('retryRequested'),
    failureCount: t.exposeInt('failureCount'),
    lastFailure: t.exposeString('lastFailure', { nullable: true }),
    lastSyncedLocalValues: t.string({
      nullable: true,
      description: 'JSON object of the mapped local fields as last synced.',
      resolve: (coupling) => coupling.localValues ?? null,
    }),
    lastSyncedIntegrationValues: t.string({
      nullable: true,
      description: 'JSON object of the mapped integration fields as last synced.',
      resolve: (coupling) => coupling.integrationValues ?? null,
    }),
    lastSyncedAt: t.field({ type: 'DateTime', nullable: true, resolve: (coupling) => coupling.lastSyncedAt ?? null }),
    createdAt: t.field({ type: 'DateTime', resolve: (coupling) => coupling.createdAt }),
  }),
});

export const CouplingConnection = countedConnection('CouplingConnection', CouplingRef);

builder.queryFields((t) => ({
  couplings: t.field({
    type: CouplingConnection,
    authScopes: { viewer: true },
    description: 'Couplings, newest first.',
    args: { mappingId: t.arg.id(), parked: t.arg.boolean(), ...forwardArgs(t.arg) },
    resolve: (_root, args, context) => {
      const mappingId = parseOptionalId('TableMapping', args.mappingId?.toString());
      return reportingInputErrors(() =>
        listCouplings(context.em, { mappingId, parked: args.parked, first: args.first, after: args.after }),
      );
    },
  }),
  coupling: t.field({
    type: CouplingRef,
    authScopes: { viewer: true },
    errors: { types: COMMON_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => CouplingRef.getDataloader(context).load(parseId('Coupling', String(args.id))),
  }),
}));

const CoupleRecordsPayload = builder
  .objectRef<{ coupling: Coupling; outcome: string; message: string | null }>('CoupleRecordsPayload')
  .implement({
    fields: (t) => ({
      coupling: t.field({ type: CouplingRef, resolve: (payload) => payload.coupling }),
      outcome: t.exposeString('outcome', {
        description:
          'MODIFIED: values were written to make the records equal; UNCHANGED: they were; FAILED: see message.',
      }),
      message: t.exposeString('message', { nullable: true }),
    }),
  });

builder.mutationFields((t) => ({
  coupleRecords: t.field({
    type: CoupleRecordsPayload,
    authScopes: { operator: true },
    errors: { types: [...COMMON_ERRORS, MappingBusyError] },
    description:
      'Couples two existing records by hand and synchronizes them at once, the winner’s values first (default LOCAL). MappingBusyError while a job of the mapping runs.',
    args: {
      mappingId: t.arg.id({ required: true }),
      localId: t.arg.string({ required: true }),
      integrationId: t.arg.string({ required: true }),
      winner: t.arg({ type: SideEnum }),
    },
    resolve: async (_root, args, context) => {
      const mappingId = parseId('TableMapping', String(args.mappingId));
      try {
        const result = await reportingInputErrors(() =>
          coupleRecords(actionContext(context), {
            mappingId,
            localId: args.localId,
            integrationId: args.integrationId,
            winner: args.winner ?? undefined,
          }),
        );
        const coupling = await context.em.findOneOrFail(CouplingSchema, { id: result.couplingId }, { refresh: true });
        return { coupling, outcome: result.outcome, message: result.message };
      } catch (error) {
        if (error instanceof MappingNotFoundError) throw new NotFoundError('TableMapping', String(args.mappingId));
        if (error instanceof CoreMappingBusyError) {
          throw new MappingBusyError(
            error.message,
            error.jobId == null ? null : encodeGlobalID('SyncJob', error.jobId),
          );
        }
        throw error;
      }
    },
  }),
}));
