import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SYNC_LOG_ACTIONS } from './enums.js';

/** Append-only history of one coupling: what each job or action did to it. */
export const SyncLogEntrySchema = defineEntity({
  name: 'SyncLogEntry',
  tableName: 'sync_log_entry',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    mappingId: p.integer(),
    couplingId: p.bigint('number').nullable(),
    jobId: p.bigint('number').nullable(),
    localId: p.string().nullable(),
    integrationId: p.string().nullable(),
    occurredAt: p.bigint('number'),
    /** TO_INTEGRATION, FROM_INTEGRATION, BIDIRECTIONAL (fields went both ways) or null (no data moved). */
    direction: p.string().nullable(),
    action: p.enum([...SYNC_LOG_ACTIONS]),
    /** JSON array of {side, field, before, after}. */
    changes: p.text().nullable(),
    message: p.text().nullable(),
    /** Who: "job" for the engine, or the API key / user name of an action. */
    actor: p.string(),
  },
  indexes: [
    { name: 'sync_log_local_idx', properties: ['mappingId', 'localId', 'id'] },
    { name: 'sync_log_integration_idx', properties: ['mappingId', 'integrationId', 'id'] },
    { name: 'sync_log_job_idx', properties: ['jobId', 'id'] },
  ],
});
export type SyncLogEntry = InferEntity<typeof SyncLogEntrySchema>;
