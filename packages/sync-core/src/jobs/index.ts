// The job runner's public pieces: the queue interface, today's in-process driver, the scheduler, and the
// row-level operations a future driver (BullMQ on Redis) reuses so that the `sync_job` table stays the record.
export * from './in-process-queue.js';
export * from './job-queue.js';
export * from './mapping-lease.js';
export * from './scheduler.js';
export * from './sync-job.repository.js';
