import type { MappingFilters } from '../connectors/record-filter.js';
import type { DeletionConflictResolution, SyncDirection, UpdateConflictResolution } from '../entities/enums.js';

/** A field mapping as a config file or the API states it. */
export interface FieldMappingInput {
  local: string;
  integration: string;
  /** Defaults to the mapping's direction. */
  direction?: SyncDirection;
  /** Written to the destination instead of the source value. */
  constant?: unknown;
  /** Name of a transform in the registry (`trim`, `lowercase`, `uppercase` …). */
  transform?: string;
  enabled?: boolean;
  /** Use this field to find an existing record to couple to. */
  match?: boolean;
  /** Match fields are tried in ascending priority; fields of one priority must all match. */
  matchPriority?: number;
  caseSensitive?: boolean;
  /** On a failed write, clear this field on the destination instead of failing the record. */
  clearValueOnFailedSync?: boolean;
}

export interface SideInput {
  connector: string;
  table: string;
  id: string;
  modifiedOn: string;
  /** Raw SQL condition: the config file's only (the API keeps the stored one and cannot set it). */
  filter?: string;
}

export interface IntegrationSideInput extends SideInput {
  /** The integration column that holds the local id: makes inserts idempotent. */
  externalKey?: string;
}

/** A table mapping as the config file (`mappings[]`) or the API states it. */
export interface TableMappingInput {
  name: string;
  local: SideInput;
  integration: IntegrationSideInput;
  /** Structured filters per side (record-filter.ts), ANDed with the raw `filter` where both are set. */
  filters?: MappingFilters;
  direction?: SyncDirection;
  syncOnlyCoupledRecords?: boolean;
  createNewIfNoMatch?: boolean;
  updateConflictResolution?: UpdateConflictResolution;
  deletionConflictResolution?: DeletionConflictResolution;
  scheduleSeconds?: number;
  enabled?: boolean;
  parkAfterFailures?: number;
  fields: FieldMappingInput[];
}

/** What an omitted mapping setting means: the config file's schema, the store and the engine all use these. */
export const MAPPING_DEFAULTS = {
  direction: 'BIDIRECTIONAL',
  syncOnlyCoupledRecords: false,
  createNewIfNoMatch: true,
  updateConflictResolution: 'NONE',
  deletionConflictResolution: 'NONE',
  scheduleSeconds: 0,
  enabled: true,
  parkAfterFailures: 2,
} as const satisfies Required<Omit<TableMappingInput, 'name' | 'local' | 'integration' | 'filters' | 'fields'>>;

/** What an omitted field mapping setting means (its direction: the mapping's). */
export const FIELD_DEFAULTS = {
  enabled: true,
  match: false,
  matchPriority: 0,
  caseSensitive: false,
  clearValueOnFailedSync: false,
} as const satisfies Required<
  Omit<FieldMappingInput, 'local' | 'integration' | 'direction' | 'constant' | 'transform'>
>;
