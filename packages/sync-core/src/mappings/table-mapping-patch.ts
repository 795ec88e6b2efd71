import type { FilterCondition } from '../connectors/record-filter.js';
import type { DeletionConflictResolution, SyncDirection, UpdateConflictResolution } from '../entities/enums.js';
import { MappingDefinitionError } from '../errors/mapping-definition.error.js';
import type { StoredMappingInput } from './table-mapping.mapper.js';
import type { FieldMappingInput, TableMappingInput } from './table-mapping-input.js';

/**
 * What an admin may change on a stored mapping (the API's `TableMappingPatch`). A setting left out, or
 * null, keeps its value; `fields` replaces the whole list. Where the tables are and the config file's
 * raw SQL filters are not part of it: only the config file sets those.
 */
export interface TableMappingPatch {
  direction?: SyncDirection | null;
  syncOnlyCoupledRecords?: boolean | null;
  createNewIfNoMatch?: boolean | null;
  updateConflictResolution?: UpdateConflictResolution | null;
  deletionConflictResolution?: DeletionConflictResolution | null;
  scheduleSeconds?: number | null;
  enabled?: boolean | null;
  parkAfterFailures?: number | null;
  /** Replaces the local side's structured filter (`[]` removes it); checked against the table first. */
  localFilters?: unknown;
  integrationFilters?: unknown;
  fields?: readonly FieldMappingPatch[] | null;
}

/** A field mapping as a patch states it: its constant as JSON text, as stored and as the API shows it. */
export interface FieldMappingPatch {
  local: string;
  integration: string;
  direction?: SyncDirection | null;
  /** JSON of a constant to write instead of the source value. */
  constantValue?: string | null;
  transform?: string | null;
  enabled?: boolean | null;
  match?: boolean | null;
  matchPriority?: number | null;
  caseSensitive?: boolean | null;
  clearValueOnFailedSync?: boolean | null;
}

/**
 * The stored mapping with the patch applied, in the nested form `saveTableMapping` takes. `filters` are
 * the patch's conditions once checked against the tables (or the stored ones where it has none).
 */
export function applyMappingPatch(
  stored: StoredMappingInput,
  patch: TableMappingPatch,
  filters: { local: FilterCondition[]; integration: FilterCondition[] },
): TableMappingInput {
  return {
    name: stored.name,
    // The config file's raw SQL stays as it is: the API can neither set nor clear it.
    local: stored.local,
    integration: stored.integration,
    filters,
    direction: keep(patch.direction, stored.direction),
    syncOnlyCoupledRecords: keep(patch.syncOnlyCoupledRecords, stored.syncOnlyCoupledRecords),
    createNewIfNoMatch: keep(patch.createNewIfNoMatch, stored.createNewIfNoMatch),
    updateConflictResolution: keep(patch.updateConflictResolution, stored.updateConflictResolution),
    deletionConflictResolution: keep(patch.deletionConflictResolution, stored.deletionConflictResolution),
    scheduleSeconds: keep(patch.scheduleSeconds, stored.scheduleSeconds),
    enabled: keep(patch.enabled, stored.enabled),
    parkAfterFailures: keep(patch.parkAfterFailures, stored.parkAfterFailures),
    fields: patch.fields ? patch.fields.map((field) => fieldInput(field, stored.name)) : stored.fields,
  };
}

function fieldInput(field: FieldMappingPatch, mapping: string): FieldMappingInput {
  return {
    local: field.local,
    integration: field.integration,
    direction: field.direction ?? undefined,
    constant: parseConstant(field.constantValue, field.local, mapping),
    transform: field.transform ?? undefined,
    enabled: field.enabled ?? undefined,
    match: field.match ?? undefined,
    matchPriority: field.matchPriority ?? undefined,
    caseSensitive: field.caseSensitive ?? undefined,
    clearValueOnFailedSync: field.clearValueOnFailedSync ?? undefined,
  };
}

function keep<T>(value: T | null | undefined, fallback: T): T {
  return value == null ? fallback : value;
}

function parseConstant(json: string | null | undefined, field: string, mapping: string): unknown {
  if (json == null) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    throw new MappingDefinitionError(mapping, field, 'constantValue is not valid JSON');
  }
}
