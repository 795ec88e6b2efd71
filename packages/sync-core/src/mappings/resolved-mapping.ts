import type { FilterCondition } from '../connectors/record-filter.js';
import type { DeletionConflictResolution, SyncDirection, UpdateConflictResolution } from '../entities/enums.js';

/** A field mapping with every default applied: what the engine works with. */
export interface ResolvedField {
  localField: string;
  integrationField: string;
  direction: SyncDirection;
  /** `undefined` when the field has no constant. */
  constant: unknown;
  transform: string | null;
  useForMatch: boolean;
  matchPriority: number;
  caseSensitive: boolean;
  clearValueOnFailedSync: boolean;
}

export interface ResolvedSide {
  connector: string;
  table: string;
  idColumn: string;
  modifiedColumn: string;
  /** The config file's raw SQL condition. */
  filter: string | null;
  /** The structured filter; empty: none. */
  conditions: FilterCondition[];
}

/** A table mapping with its enabled fields, loaded from the store for one job. */
export interface ResolvedMapping {
  id: number;
  name: string;
  local: ResolvedSide;
  integration: ResolvedSide & { externalKey: string | null };
  direction: SyncDirection;
  syncOnlyCoupledRecords: boolean;
  createNewIfNoMatch: boolean;
  updateConflictResolution: UpdateConflictResolution;
  deletionConflictResolution: DeletionConflictResolution;
  scheduleSeconds: number;
  enabled: boolean;
  parkAfterFailures: number;
  fields: ResolvedField[];
}

/** True when data may flow local → integration under this direction. */
export function flowsToIntegration(direction: SyncDirection): boolean {
  return direction !== 'FROM_INTEGRATION';
}

/** True when data may flow integration → local under this direction. */
export function flowsToLocal(direction: SyncDirection): boolean {
  return direction !== 'TO_INTEGRATION';
}
