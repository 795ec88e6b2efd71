import type { Job } from './sync-jobs';
import { isActive } from './sync-jobs';

type Counters = Pick<
  Job,
  'status' | 'inserted' | 'modified' | 'unchanged' | 'failed' | 'skipped' | 'processed' | 'queuedAt'
>;

/** How a followed job (a retry's RETRY job, a record's MANUAL job) fared, from its own counters. */
export interface JobEnd {
  /** Still queued or running: the counters are so far. */
  running: boolean;
  /** The records it worked: synchronized + failed again + skipped. */
  worked: number;
  /** `modified + inserted + unchanged`: in step now (docs/API.md, "Retry says what it did"). */
  synchronized: number;
  /** Failed again: their errors are open again (listed by `syncErrors(filter: { jobId })`). */
  failed: number;
  skipped: number;
}

/**
 * A RETRY or MANUAL job is scoped to exactly the records it was queued for, so its counters are theirs:
 * synchronized, failed again, skipped.
 */
export function jobEnd(job: Counters): JobEnd {
  const synchronized = job.modified + job.inserted + job.unchanged;
  return {
    running: isActive(job),
    worked: synchronized + job.failed + job.skipped,
    synchronized,
    failed: job.failed,
    skipped: job.skipped,
  };
}

/**
 * The newer of two pictures of one job: a finished one over a running one, else the one with more
 * progress (a subscription event and a query answer may arrive in either order).
 */
export function newerJob<T extends Counters>(known: T | null, next: T): T {
  if (!known) return next;
  if (!isActive(known) && isActive(next)) return known;
  if (isActive(known) && !isActive(next)) return next;
  return next.processed >= known.processed ? next : known;
}
