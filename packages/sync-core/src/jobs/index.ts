// The job runner's public pieces: the queue interface, its two drivers (in-process, and BullMQ on Redis), the
// scheduler, and the row-level operations every driver shares so that the `sync_job` table stays the record.
export * from './bullmq/index.js';
export * from './in-process-queue.js';
export * from './job-queue.js';
export * from './job-runner.js';
export { JobThreadPool, type JobThreadPoolOptions } from './job-threads/job-thread-pool.js';
export type { JobThreadData } from './job-threads/job-thread-protocol.js';
export * from './mapping-lease.js';
export * from './scheduler.js';
export * from './sync-job.repository.js';
