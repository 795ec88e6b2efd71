import type { EntityManager } from '@mikro-orm/knex';
import type { FilterCondition } from '../connectors/record-filter.js';
import { type FieldMapping, FieldMappingSchema } from '../entities/field-mapping.entity.js';
import { type TableMapping, TableMappingSchema } from '../entities/table-mapping.entity.js';
import { MappingDefinitionError } from '../errors/mapping-definition.error.js';
import { checkFilterShape } from './record-filter-check.js';
import type { ResolvedField, ResolvedMapping } from './resolved-mapping.js';
import type { TableMappingInput } from './table-mapping-input.js';
import { knownTransform } from './transforms.js';

/**
 * Creates or replaces (by name) a table mapping and its field mappings. Checks what can be checked
 * without the apps: field directions against the mapping's, transform names, duplicate fields.
 */
export async function saveTableMapping(em: EntityManager, input: TableMappingInput): Promise<number> {
  validateMappingInput(input);
  return em.transactional(async (tx) => {
    const now = Date.now();
    const direction = input.direction ?? 'BIDIRECTIONAL';
    const values = {
      name: input.name,
      localConnector: input.local.connector,
      localTable: input.local.table,
      localIdColumn: input.local.id,
      localModifiedColumn: input.local.modifiedOn,
      localFilter: input.local.filter ?? null,
      localFilters: filtersJson(input.filters?.local, 'filters.local'),
      integrationConnector: input.integration.connector,
      integrationTable: input.integration.table,
      integrationIdColumn: input.integration.id,
      integrationModifiedColumn: input.integration.modifiedOn,
      integrationExternalKey: input.integration.externalKey ?? null,
      integrationFilter: input.integration.filter ?? null,
      integrationFilters: filtersJson(input.filters?.integration, 'filters.integration'),
      direction,
      syncOnlyCoupledRecords: input.syncOnlyCoupledRecords ?? false,
      createNewIfNoMatch: input.createNewIfNoMatch ?? true,
      updateConflictResolution: input.updateConflictResolution ?? 'NONE',
      deletionConflictResolution: input.deletionConflictResolution ?? 'NONE',
      scheduleSeconds: input.scheduleSeconds ?? 0,
      enabled: input.enabled ?? true,
      parkAfterFailures: input.parkAfterFailures ?? 2,
      updatedAt: now,
    } as const;
    let mapping = await tx.findOne(TableMappingSchema, { name: input.name });
    if (mapping) tx.assign(mapping, values);
    else mapping = tx.create(TableMappingSchema, { ...values, createdAt: now });
    await tx.flush();
    const rows = input.fields.map((field, position) => ({
      mappingId: mapping.id,
      position,
      localField: field.local,
      integrationField: field.integration,
      direction: field.direction ?? null,
      constantValue: field.constant === undefined ? null : JSON.stringify(field.constant),
      transform: field.transform ?? null,
      enabled: field.enabled ?? true,
      useForMatch: field.match ?? false,
      matchPriority: field.matchPriority ?? 0,
      caseSensitive: field.caseSensitive ?? false,
      clearValueOnFailedSync: field.clearValueOnFailedSync ?? false,
    }));
    // The field list is replaced only when it changed: a restart or a patch of the policies keeps the rows.
    const stored = await tx.find(FieldMappingSchema, { mappingId: mapping.id }, { orderBy: { position: 'asc' } });
    if (!sameFieldRows(stored, rows)) {
      await tx.nativeDelete(FieldMappingSchema, { mappingId: mapping.id });
      for (const row of rows) tx.create(FieldMappingSchema, row);
    }
    await tx.flush();
    return mapping.id;
  });
}

/** Loads a mapping with its enabled fields in the form the engine uses; null when it does not exist. */
export async function loadResolvedMapping(em: EntityManager, mappingId: number): Promise<ResolvedMapping | null> {
  const mapping = await em.findOne(TableMappingSchema, { id: mappingId });
  if (!mapping) return null;
  const fields = await em.find(FieldMappingSchema, { mappingId, enabled: true }, { orderBy: { position: 'asc' } });
  return resolveMapping(mapping, fields);
}

export function resolveMapping(mapping: TableMapping, fields: readonly FieldMapping[]): ResolvedMapping {
  return {
    id: mapping.id,
    name: mapping.name,
    local: {
      connector: mapping.localConnector,
      table: mapping.localTable,
      idColumn: mapping.localIdColumn,
      modifiedColumn: mapping.localModifiedColumn,
      filter: mapping.localFilter ?? null,
      conditions: storedFilters(mapping.localFilters),
    },
    integration: {
      connector: mapping.integrationConnector,
      table: mapping.integrationTable,
      idColumn: mapping.integrationIdColumn,
      modifiedColumn: mapping.integrationModifiedColumn,
      filter: mapping.integrationFilter ?? null,
      conditions: storedFilters(mapping.integrationFilters),
      externalKey: mapping.integrationExternalKey ?? null,
    },
    direction: mapping.direction,
    syncOnlyCoupledRecords: mapping.syncOnlyCoupledRecords,
    createNewIfNoMatch: mapping.createNewIfNoMatch,
    updateConflictResolution: mapping.updateConflictResolution,
    deletionConflictResolution: mapping.deletionConflictResolution,
    scheduleSeconds: mapping.scheduleSeconds,
    enabled: mapping.enabled,
    parkAfterFailures: mapping.parkAfterFailures,
    fields: fields.map(
      (field): ResolvedField => ({
        localField: field.localField,
        integrationField: field.integrationField,
        direction: field.direction ?? mapping.direction,
        constant: field.constantValue == null ? undefined : JSON.parse(field.constantValue),
        transform: field.transform ?? null,
        useForMatch: field.useForMatch,
        matchPriority: field.matchPriority,
        caseSensitive: field.caseSensitive,
        clearValueOnFailedSync: field.clearValueOnFailedSync,
      }),
    ),
  };
}

/** Rules that need no app: each names the mapping and the field it is about. */
export function validateMappingInput(input: TableMappingInput): void {
  const direction = input.direction ?? 'BIDIRECTIONAL';
  if (input.fields.length === 0) throw new MappingDefinitionError(input.name, null, 'has no fields');
  const seenLocal = new Set<string>();
  const seenIntegration = new Set<string>();
  for (const field of input.fields) {
    const label = `${field.local} ↔ ${field.integration}`;
    if (field.direction && direction !== 'BIDIRECTIONAL' && field.direction !== direction) {
      throw new MappingDefinitionError(
        input.name,
        label,
        `direction ${field.direction} is not possible in a ${direction} mapping`,
      );
    }
    if (field.transform && !knownTransform(field.transform)) {
      throw new MappingDefinitionError(input.name, label, `unknown transform "${field.transform}"`);
    }
    if (seenLocal.has(field.local)) throw new MappingDefinitionError(input.name, field.local, 'is mapped twice');
    if (seenIntegration.has(field.integration)) {
      throw new MappingDefinitionError(input.name, field.integration, 'is mapped twice');
    }
    seenLocal.add(field.local);
    seenIntegration.add(field.integration);
  }
  if (input.parkAfterFailures !== undefined && input.parkAfterFailures < 1) {
    throw new MappingDefinitionError(input.name, null, 'parkAfterFailures must be at least 1');
  }
  if (input.scheduleSeconds !== undefined && input.scheduleSeconds < 0) {
    throw new MappingDefinitionError(input.name, null, 'scheduleSeconds must not be negative');
  }
  // Paths as the config file spells them; the API checks its own input first, under its own names.
  for (const side of ['local', 'integration'] as const) {
    const conditions = input.filters?.[side];
    if (conditions !== undefined) checkFilterShape(conditions, `filters.${side}`);
  }
}

/** A side's structured filter as stored: JSON of its plain conditions (no stray keys), null when it has none. */
function filtersJson(conditions: readonly FilterCondition[] | undefined, path: string): string | null {
  return conditions && conditions.length > 0 ? JSON.stringify(checkFilterShape(conditions, path)) : null;
}

/** The stored structured filter of a side (`table_mapping.local_filters` / `integration_filters`). */
export function storedFilters(json: string | null | undefined): FilterCondition[] {
  return json ? (JSON.parse(json) as FilterCondition[]) : [];
}

type FieldRow = Omit<FieldMapping, 'id'>;

function sameFieldRows(stored: readonly FieldMapping[], wanted: readonly FieldRow[]): boolean {
  if (stored.length !== wanted.length) return false;
  return wanted.every((row, index) => {
    const current = stored[index] as unknown as Record<string, unknown>;
    return Object.entries(row).every(([key, value]) => current[key] === value);
  });
}
