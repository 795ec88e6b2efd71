/**
 * How Tandem's jobs are named in Redis. Every key lives under the deployment prefix (`<prefix>:<queue>:…`),
 * so two Tandems — or two test files — on one Redis never see each other's jobs.
 */

/** Dispatches of `sync_job` rows: one BullMQ job per QUEUED row. */
export const SYNC_JOBS_QUEUE = 'sync-jobs';
/**
 * Schedule ticks, on a queue of their own: a tick only enqueues a row, and must not wait behind long runs
 * for a free slot of the sync-jobs worker.
 */
export const SCHEDULES_QUEUE = 'sync-schedules';

/** The deployment prefix when none is given; the API's config uses the same default. */
export const DEFAULT_PREFIX = 'tandem';

/** What a dispatch carries: only the row's id. The request (full, scope…) is read from the row at claim time. */
export interface DispatchData {
  jobId: number;
  mappingId: number;
}

/** What a schedule tick carries: the interval it was set with, to compare with the mapping row. */
export interface ScheduleTickData {
  mappingId: number;
  seconds: number;
}

/**
 * The BullMQ job id of a row's dispatch. BullMQ adds a job whose id exists as a no-op, so a row is
 * dispatched at most once however often it is (re)added. BullMQ refuses ':' in custom ids.
 */
export function dispatchJobId(jobId: number): string {
  return `sync-job-${jobId}`;
}

/** The BullMQ job scheduler of a mapping's schedule. */
export function schedulerId(mappingId: number): string {
  return `mapping-${mappingId}`;
}

export function mappingOfScheduler(id: string): number | null {
  const match = /^mapping-(\d+)$/.exec(id);
  return match ? Number(match[1]) : null;
}
