import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SYNC_ERROR_KINDS, SYNC_ERROR_STATUSES } from './enums.js';

/**
 * One record that could not be synchronized and waits for triage. A coupling has at most one OPEN error:
 * the engine updates it in place when the same record fails again.
 */
export const SyncErrorSchema = defineEntity({
  name: 'SyncError',
  tableName: 'sync_error',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    mappingId: p.integer(),
    couplingId: p.bigint('number').nullable(),
    jobId: p.bigint('number').nullable(),
    kind: p.enum([...SYNC_ERROR_KINDS]),
    status: p.enum([...SYNC_ERROR_STATUSES]),
    message: p.text(),
    /** The message with record-specific values taken out: errors with one cause share it (grouping). */
    messagePattern: p.string().length(500).nullable(),
    /** Exception detail or the destination's error text. */
    detail: p.text().nullable(),
    localId: p.string().nullable(),
    integrationId: p.string().nullable(),
    /** JSON array of conflicting field names (local names) for UPDATE_CONFLICT. */
    fields: p.text().nullable(),
    occurredAt: p.bigint('number'),
    resolvedAt: p.bigint('number').nullable(),
    resolvedBy: p.string().nullable(),
    resolution: p.string().nullable(),
  },
  indexes: [
    { name: 'sync_error_status_mapping_kind_idx', properties: ['status', 'mappingId', 'kind', 'occurredAt'] },
    { name: 'sync_error_coupling_idx', properties: ['couplingId'] },
    { name: 'sync_error_job_idx', properties: ['jobId'] },
    { name: 'sync_error_occurred_idx', properties: ['occurredAt'] },
  ],
});
export type SyncError = InferEntity<typeof SyncErrorSchema>;
