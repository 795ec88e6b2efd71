import type { SyncOutcome, SyncRun } from '../engine/sync-run.js';
import type { CancelOutcome, RunRequest } from './sync-job.repository.js';

/**
 * The one interface through which sync jobs are asked for and run (DESIGN.md, "Architecture"). Today's
 * driver is `InProcessQueue`; a BullMQ-on-Redis driver for many instances implements the same interface
 * and must pass the same conformance suite (test/jobs/job-queue.conformance.ts). Whatever the driver:
 *
 * - The `sync_job` table stays the record of every job: enqueue writes a QUEUED row, the runner moves it to
 *   RUNNING and to its final status, and subscribers learn of each change through `syncJobChanged` events
 *   (status changes at once, progress at most 4 per second per job).
 * - A run asked for while its mapping runs is kept once and runs after: at most one running and one
 *   waiting job per mapping. Asking again returns the waiting job (`alreadyQueued: true`), widened by the
 *   request (full wins; retry scopes merge; a normal run covers a retry).
 * - One mapping never runs two jobs at once, on one process or many: the runner holds the mapping's
 *   lease (`mapping_lease`) for the whole run. Different mappings may run side by side.
 * - A job interrupted by a stopped process ends FAILED with an "interrupted" message; the next run resumes
 *   from the last checkpoint.
 */
export interface JobQueue {
  /** Queues a run of the mapping, or returns its waiting job. Throws `MappingNotFoundError` for an unknown id. */
  enqueue(mappingId: number, request: RunRequest): Promise<EnqueueResult>;
  /**
   * Runs the mapping every `seconds` (0 or less removes the schedule). Whoever changes a mapping's schedule
   * or enabled flag calls it with the saved row's `scheduledSeconds` (mappings/), so that the change applies
   * at once — `updateTableMapping` does. The mapping row stays the source of truth: a disabled mapping, or
   * one whose `schedule_seconds` is 0, is never run by its schedule, whatever was set here.
   */
  setSchedule(mappingId: number, seconds: number): Promise<void>;
  removeSchedule(mappingId: number): Promise<void>;
  /** A waiting job is cancelled at once; a running one is asked to stop after its current batch. */
  cancel(jobId: number): Promise<CancelResult>;
  /** Recovers interrupted jobs, then begins taking jobs and running schedules. */
  start(): Promise<void>;
  /**
   * Stops taking jobs and schedules. Graceful (the default): running jobs may finish, and are asked to
   * cancel after a timeout. Not graceful: running jobs are asked to cancel at once. Either way the call
   * resolves once they have stopped (or were given up on after a further timeout) and leases are released.
   */
  close(options?: { graceful?: boolean }): Promise<void>;
}

export interface EnqueueResult {
  jobId: number;
  /** True when the mapping already had a waiting job and that job was returned. */
  alreadyQueued: boolean;
}

export interface CancelResult {
  jobId: number;
  outcome: CancelOutcome;
}

/** What runs one job: the engine's `runSync` in production, a small function in tests. Should not throw. */
export type RunJob = (run: SyncRun) => Promise<SyncOutcome>;

export type { CancelOutcome, RunRequest } from './sync-job.repository.js';
