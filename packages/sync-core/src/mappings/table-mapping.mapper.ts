import type { TableSpec } from '../connectors/connector.js';
import type { FilterCondition } from '../connectors/record-filter.js';
import type { FieldMapping } from '../entities/field-mapping.entity.js';
import type { TableMapping } from '../entities/table-mapping.entity.js';
import { checkFilterShape } from './record-filter-check.js';
import type { ResolvedField, ResolvedMapping } from './resolved-mapping.js';
import {
  FIELD_DEFAULTS,
  type FieldMappingInput,
  type IntegrationSideInput,
  MAPPING_DEFAULTS,
  type SideInput,
  type TableMappingInput,
} from './table-mapping-input.js';

/**
 * The one translation between a stored mapping — the flat `table_mapping` row and its `field_mapping`
 * rows — and the nested form the config file and the API speak (table-mapping-input.ts). Whoever needs a
 * mapping's sides, filters or fields, or writes them, comes through here, so that a new setting is
 * translated once: into the row on save, out of it for the API, the patch merge and the engine.
 */

/** A stored mapping in the nested form: every setting present, both sides' filters parsed. */
export interface StoredMappingInput
  extends Required<Omit<TableMappingInput, 'local' | 'integration' | 'filters' | 'fields'>> {
  local: SideInput;
  integration: IntegrationSideInput;
  filters: { local: FilterCondition[]; integration: FilterCondition[] };
  fields: FieldMappingInput[];
}

/** The sides of a stored mapping as the config file states them (`filter` only where the file set one). */
export function mappingSides(mapping: TableMapping): { local: SideInput; integration: IntegrationSideInput } {
  return {
    local: {
      connector: mapping.localConnector,
      table: mapping.localTable,
      id: mapping.localIdColumn,
      modifiedOn: mapping.localModifiedColumn,
      filter: mapping.localFilter ?? undefined,
    },
    integration: {
      connector: mapping.integrationConnector,
      table: mapping.integrationTable,
      id: mapping.integrationIdColumn,
      modifiedOn: mapping.integrationModifiedColumn,
      filter: mapping.integrationFilter ?? undefined,
      externalKey: mapping.integrationExternalKey ?? undefined,
    },
  };
}

/** The structured filters of a stored mapping, per side; a side without one has none (`[]`). */
export function mappingFilters(mapping: TableMapping): StoredMappingInput['filters'] {
  return { local: storedFilters(mapping.localFilters), integration: storedFilters(mapping.integrationFilters) };
}

/** Row → nested form: what a config file would say to store exactly this mapping and these fields. */
export function toMappingInput(mapping: TableMapping, fields: readonly FieldMapping[]): StoredMappingInput {
  return {
    name: mapping.name,
    ...mappingSides(mapping),
    filters: mappingFilters(mapping),
    direction: mapping.direction,
    syncOnlyCoupledRecords: mapping.syncOnlyCoupledRecords,
    createNewIfNoMatch: mapping.createNewIfNoMatch,
    updateConflictResolution: mapping.updateConflictResolution,
    deletionConflictResolution: mapping.deletionConflictResolution,
    scheduleSeconds: mapping.scheduleSeconds,
    enabled: mapping.enabled,
    parkAfterFailures: mapping.parkAfterFailures,
    fields: fields.map((field) => ({
      local: field.localField,
      integration: field.integrationField,
      // Undefined, not the mapping's: a field without its own direction follows the mapping's when it changes.
      direction: field.direction ?? undefined,
      constant: field.constantValue == null ? undefined : JSON.parse(field.constantValue),
      transform: field.transform ?? undefined,
      enabled: field.enabled,
      match: field.useForMatch,
      matchPriority: field.matchPriority,
      caseSensitive: field.caseSensitive,
      clearValueOnFailedSync: field.clearValueOnFailedSync,
    })),
  };
}

/** Nested form → the `table_mapping` columns, defaults applied (the row's id and times are the store's). */
export function toMappingColumns(input: TableMappingInput) {
  return {
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
    direction: input.direction ?? MAPPING_DEFAULTS.direction,
    syncOnlyCoupledRecords: input.syncOnlyCoupledRecords ?? MAPPING_DEFAULTS.syncOnlyCoupledRecords,
    createNewIfNoMatch: input.createNewIfNoMatch ?? MAPPING_DEFAULTS.createNewIfNoMatch,
    updateConflictResolution: input.updateConflictResolution ?? MAPPING_DEFAULTS.updateConflictResolution,
    deletionConflictResolution: input.deletionConflictResolution ?? MAPPING_DEFAULTS.deletionConflictResolution,
    scheduleSeconds: input.scheduleSeconds ?? MAPPING_DEFAULTS.scheduleSeconds,
    enabled: input.enabled ?? MAPPING_DEFAULTS.enabled,
    parkAfterFailures: input.parkAfterFailures ?? MAPPING_DEFAULTS.parkAfterFailures,
  };
}

export type FieldMappingColumns = Omit<FieldMapping, 'id'>;

/** Nested form → the `field_mapping` rows of a mapping, in the order given, defaults applied. */
export function toFieldColumns(mappingId: number, fields: readonly FieldMappingInput[]): FieldMappingColumns[] {
  return fields.map((field, position) => ({
    mappingId,
    position,
    localField: field.local,
    integrationField: field.integration,
    direction: field.direction ?? null,
    constantValue: field.constant === undefined ? null : JSON.stringify(field.constant),
    transform: field.transform ?? null,
    enabled: field.enabled ?? FIELD_DEFAULTS.enabled,
    useForMatch: field.match ?? FIELD_DEFAULTS.match,
    matchPriority: field.matchPriority ?? FIELD_DEFAULTS.matchPriority,
    caseSensitive: field.caseSensitive ?? FIELD_DEFAULTS.caseSensitive,
    clearValueOnFailedSync: field.clearValueOnFailedSync ?? FIELD_DEFAULTS.clearValueOnFailedSync,
  }));
}

/**
 * Row → the engine's form: the nested form with field directions resolved against the mapping's and
 * the sides named as connectors take them. `fields` are the ones that take part (the enabled ones).
 */
export function resolveMapping(mapping: TableMapping, fields: readonly FieldMapping[]): ResolvedMapping {
  const stored = toMappingInput(mapping, fields);
  return {
    id: mapping.id,
    name: stored.name,
    local: {
      connector: stored.local.connector,
      ...sideTable(stored.local),
      filter: stored.local.filter ?? null,
      conditions: stored.filters.local,
    },
    integration: {
      connector: stored.integration.connector,
      ...sideTable(stored.integration),
      filter: stored.integration.filter ?? null,
      conditions: stored.filters.integration,
      externalKey: stored.integration.externalKey ?? null,
    },
    direction: stored.direction,
    syncOnlyCoupledRecords: stored.syncOnlyCoupledRecords,
    createNewIfNoMatch: stored.createNewIfNoMatch,
    updateConflictResolution: stored.updateConflictResolution,
    deletionConflictResolution: stored.deletionConflictResolution,
    scheduleSeconds: stored.scheduleSeconds,
    enabled: stored.enabled,
    parkAfterFailures: stored.parkAfterFailures,
    fields: stored.fields.map(
      (field): ResolvedField => ({
        localField: field.local,
        integrationField: field.integration,
        direction: field.direction ?? stored.direction,
        constant: field.constant,
        transform: field.transform ?? null,
        useForMatch: field.match ?? FIELD_DEFAULTS.match,
        matchPriority: field.matchPriority ?? FIELD_DEFAULTS.matchPriority,
        caseSensitive: field.caseSensitive ?? FIELD_DEFAULTS.caseSensitive,
        clearValueOnFailedSync: field.clearValueOnFailedSync ?? FIELD_DEFAULTS.clearValueOnFailedSync,
      }),
    ),
  };
}

/** Where a side's records live, as a connector opens the table (the file's `id` and `modifiedOn` are columns). */
export function sideTable(side: SideInput): Pick<TableSpec, 'table' | 'idColumn' | 'modifiedColumn'> {
  return { table: side.table, idColumn: side.id, modifiedColumn: side.modifiedOn };
}

/** How often the queue runs a mapping by its schedule: never (0) when it is disabled. */
export function scheduledSeconds(mapping: Pick<TableMapping, 'enabled' | 'scheduleSeconds'>): number {
  return mapping.enabled ? mapping.scheduleSeconds : 0;
}

/** A side's structured filter as stored: JSON of its plain conditions (no stray keys), null when it has none. */
function filtersJson(conditions: readonly FilterCondition[] | undefined, path: string): string | null {
  return conditions && conditions.length > 0 ? JSON.stringify(checkFilterShape(conditions, path)) : null;
}

/** The stored structured filter of a side (`table_mapping.local_filters` / `integration_filters`). */
function storedFilters(json: string | null | undefined): FilterCondition[] {
  return json ? (JSON.parse(json) as FilterCondition[]) : [];
}
