import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { SYNC_JOB_STATUSES, SYNC_JOB_TRIGGERS } from './enums.js';

/** One run of one mapping. Counters are written as the job goes, so a crashed job still shows its progress. */
export const SyncJobSchema = defineEntity({
  name: 'SyncJob',
  tableName: 'sync_job',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    mappingId: p.integer(),
    status: p.enum([...SYNC_JOB_STATUSES]),
    trigger: p.enum([...SYNC_JOB_TRIGGERS]),
    /** A full sync reads every record from the start and checks every coupling for deletions. */
    full: p.boolean().default(false),
    /** JSON array of coupling ids a RETRY job is limited to; null for a normal run. */
    scope: p.text().nullable(),
    requestedBy: p.string().nullable(),
    queuedAt: p.bigint('number'),
    startedAt: p.bigint('number').nullable(),
    finishedAt: p.bigint('number').nullable(),
    inserted: p.integer().default(0),
    modified: p.integer().default(0),
    deleted: p.integer().default(0),
    unchanged: p.integer().default(0),
    skipped: p.integer().default(0),
    failed: p.integer().default(0),
    coupled: p.integer().default(0),
    uncoupled: p.integer().default(0),
    /** Records read so far (both sides); drives progress bars. */
    processed: p.integer().default(0),
    message: p.text().nullable(),
    cancelRequested: p.boolean().default(false),
    /** Process that runs the job; lets a restart tell its own interrupted jobs from others'. */
    workerId: p.string().nullable(),
    /** The job queued to run the mapping again after this one was interrupted: set once, so it is re-run once. */
    rerunJobId: p.bigint('number').nullable(),
  },
  indexes: [
    { name: 'sync_job_mapping_queued_idx', properties: ['mappingId', 'queuedAt'] },
    { name: 'sync_job_status_idx', properties: ['status'] },
    { name: 'sync_job_finished_idx', properties: ['finishedAt'] },
  ],
});
export type SyncJob = InferEntity<typeof SyncJobSchema>;
