import {
  type FieldMapping,
  FieldMappingSchema,
  type IntegrationSideInput,
  MappingDefinitionError,
  mappingFilters,
  mappingSides,
  type TableMapping,
  TableMappingSchema,
  updateTableMapping,
} from '@tandem/sync-core';
import { filter, pipe } from 'graphql-yoga';
import { NotFoundError } from '../../errors/not-found.error.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId, parseOptionalId } from '../ids.js';
import { loadByIds } from '../loaders.js';
import { DeletionConflictResolutionEnum, SyncDirectionEnum, UpdateConflictResolutionEnum } from './enums.js';
import { COMMON_ERRORS, ErrorInterface } from './errors.js';
import { FilterConditionInput, FilterConditionRef } from './filter-condition.js';

/** One local table ↔ one integration table. Loaded in batches: a page of errors asks for its mappings once. */
export const TableMappingRef = builder.loadableNodeRef('TableMapping', {
  id: { resolve: (mapping: TableMapping) => mapping.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<TableMapping>(context.em, TableMappingSchema, 'TableMapping', ids),
});

const FieldMappingRef = builder.objectRef<FieldMapping>('FieldMapping').implement({
  description: 'One local field ↔ one integration field of a table mapping.',
  fields: (t) => ({
    localField: t.exposeString('localField'),
    integrationField: t.exposeString('integrationField'),
    direction: t.field({
      type: SyncDirectionEnum,
      nullable: true,
      description: "Null: the mapping's direction.",
      resolve: (field) => field.direction ?? null,
    }),
    constantValue: t.string({
      nullable: true,
      description: 'JSON of the constant written instead of the source value.',
      resolve: (field) => field.constantValue ?? null,
    }),
    transform: t.string({ nullable: true, resolve: (field) => field.transform ?? null }),
    enabled: t.exposeBoolean('enabled'),
    useForMatch: t.exposeBoolean('useForMatch'),
    matchPriority: t.exposeInt('matchPriority'),
    caseSensitive: t.exposeBoolean('caseSensitive'),
    clearValueOnFailedSync: t.exposeBoolean('clearValueOnFailedSync'),
  }),
});

/** A side as the config file states it (sync-core's mapper); only the integration side has an external key. */
const MappingSideRef = builder.objectRef<IntegrationSideInput>('MappingSide').implement({
  description: 'Where one side of a mapping lives: the connector, the table and its id and modified-on columns.',
  fields: (t) => ({
    connector: t.exposeString('connector'),
    table: t.exposeString('table'),
    id: t.exposeString('id', { description: 'The id column.' }),
    modifiedOn: t.exposeString('modifiedOn', { description: 'The modified-on column.' }),
    filter: t.string({
      nullable: true,
      resolve: (side) => side.filter ?? null,
      description:
        'Raw SQL condition set in the config file, read-only: the API cannot set it, because it is pasted into ' +
        "the app's queries. Null: none. It applies together with the mapping's structured filters.",
    }),
    externalKey: t.string({
      nullable: true,
      resolve: (side) => side.externalKey ?? null,
      description: 'Integration side only: the column that holds the local id.',
    }),
  }),
});

TableMappingRef.implement({
  // Read access, also through `node(id:)` (node-access.ts): any authenticated caller.
  authScopes: { viewer: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    local: t.field({ type: MappingSideRef, resolve: (m) => mappingSides(m).local }),
    integration: t.field({ type: MappingSideRef, resolve: (m) => mappingSides(m).integration }),
    localFilters: t.field({
      type: [FilterConditionRef],
      description: 'The structured filter of the local side: a record takes part when it meets every condition.',
      resolve: (m) => mappingFilters(m).local,
    }),
    integrationFilters: t.field({
      type: [FilterConditionRef],
      description: 'The structured filter of the integration side.',
      resolve: (m) => mappingFilters(m).integration,
    }),
    direction: t.field({ type: SyncDirectionEnum, resolve: (m) => m.direction }),
    syncOnlyCoupledRecords: t.exposeBoolean('syncOnlyCoupledRecords'),
    createNewIfNoMatch: t.exposeBoolean('createNewIfNoMatch'),
    updateConflictResolution: t.field({
      type: UpdateConflictResolutionEnum,
      resolve: (m) => m.updateConflictResolution,
    }),
    deletionConflictResolution: t.field({
      type: DeletionConflictResolutionEnum,
      resolve: (m) => m.deletionConflictResolution,
    }),
    scheduleSeconds: t.exposeInt('scheduleSeconds', { description: '0: the mapping runs only by hand.' }),
    enabled: t.exposeBoolean('enabled'),
    parkAfterFailures: t.exposeInt('parkAfterFailures'),
    createdAt: t.field({ type: 'DateTime', resolve: (m) => m.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (m) => m.updatedAt }),
    fields: t.loadableGroup({
      type: FieldMappingRef,
      description: 'Field mappings in their configured order.',
      load: (ids: number[], context) =>
        context.em.find(
          FieldMappingSchema,
          { mappingId: { $in: ids } },
          { orderBy: { mappingId: 'asc', position: 'asc' } },
        ),
      group: (field) => field.mappingId,
      resolve: (m) => m.id,
    }),
  }),
});

builder.queryFields((t) => ({
  tableMappings: t.field({
    type: [TableMappingRef],
    authScopes: { viewer: true },
    resolve: (_root, _args, context) => context.em.find(TableMappingSchema, {}, { orderBy: { name: 'asc' } }),
  }),
}));

// ——— updateTableMapping (ADMIN) ———

builder.objectType(MappingDefinitionError, {
  name: 'InvalidMappingError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

const FieldMappingInput = builder.inputType('FieldMappingInput', {
  fields: (t) => ({
    local: t.string({ required: true }),
    integration: t.string({ required: true }),
    direction: t.field({ type: SyncDirectionEnum }),
    constantValue: t.string({ description: 'JSON of a constant to write instead of the source value.' }),
    transform: t.string(),
    enabled: t.boolean(),
    match: t.boolean(),
    matchPriority: t.int(),
    caseSensitive: t.boolean(),
    clearValueOnFailedSync: t.boolean(),
  }),
});

const TableMappingPatch = builder.inputType('TableMappingPatch', {
  description: 'What an admin may change; omitted fields keep their value. `fields` replaces the whole list.',
  fields: (t) => ({
    direction: t.field({ type: SyncDirectionEnum }),
    syncOnlyCoupledRecords: t.boolean(),
    createNewIfNoMatch: t.boolean(),
    updateConflictResolution: t.field({ type: UpdateConflictResolutionEnum }),
    deletionConflictResolution: t.field({ type: DeletionConflictResolutionEnum }),
    scheduleSeconds: t.int(),
    enabled: t.boolean(),
    parkAfterFailures: t.int(),
    localFilters: t.field({
      type: [FilterConditionInput],
      description:
        "Replaces the local side's structured filter ([] removes it). Raw SQL cannot be set here: only in the config file.",
    }),
    integrationFilters: t.field({
      type: [FilterConditionInput],
      description: "Replaces the integration side's structured filter ([] removes it).",
    }),
    fields: t.field({ type: [FieldMappingInput] }),
  }),
});

const UpdateTableMappingPayload = builder.objectRef<{ mapping: TableMapping }>('UpdateTableMappingPayload').implement({
  fields: (t) => ({ mapping: t.field({ type: TableMappingRef, resolve: (payload) => payload.mapping }) }),
});

builder.mutationFields((t) => ({
  updateTableMapping: t.field({
    type: UpdateTableMappingPayload,
    authScopes: { admin: true },
    errors: { types: [...COMMON_ERRORS, MappingDefinitionError] },
    args: { id: t.arg.id({ required: true }), patch: t.arg({ type: TableMappingPatch, required: true }) },
    resolve: async (_root, { id, patch }, context) => {
      const { connectors, queue, pubsub } = context.services;
      // A refused filter names its path in the patch: `patch.localFilters[1].field`.
      const saved = await reportingInputErrors(() =>
        updateTableMapping(context.em, parseId('TableMapping', String(id)), patch, { connectors, queue }),
      );
      if (!saved) throw new NotFoundError('TableMapping', String(id));
      pubsub.publish('tableMappingChanged', { mappingId: saved.id });
      return { mapping: saved };
    },
  }),
}));

builder.subscriptionFields((t) => ({
  tableMappingChanged: t.field({
    type: TableMappingRef,
    authScopes: { viewer: true },
    description: 'The mapping (or any mapping) was changed by updateTableMapping: its settings as saved.',
    args: { id: t.arg.id() },
    subscribe: (_root, args, context) => {
      const id = parseOptionalId('TableMapping', args.id?.toString());
      return pipe(
        context.services.pubsub.subscribe('tableMappingChanged'),
        filter((change: { mappingId: number }) => id == null || change.mappingId === id),
      );
    },
    // Read fresh for each event: a subscription keeps its context (and its loaders' caches) for its lifetime.
    resolve: (change, _args, context) =>
      context.em.fork().findOneOrFail(TableMappingSchema, { id: change.mappingId }, { refresh: true }),
  }),
}));
