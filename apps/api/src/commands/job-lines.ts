import { FINISHED_JOB_STATUSES, type SyncJobSnapshot } from '@tandem/sync-core';

export function isFinishedJob(job: SyncJobSnapshot): boolean {
  return (FINISHED_JOB_STATUSES as readonly string[]).includes(job.status);
}

/** A finished job as one line of the CLI's output: `job 12 mapping 1 SUCCEEDED inserted=3 … — message`. */
export function describeJob(job: SyncJobSnapshot): string {
  const counters = (
    ['inserted', 'modified', 'deleted', 'unchanged', 'skipped', 'failed', 'coupled', 'uncoupled'] as const
  )
    .map((name) => `${name}=${job[name]}`)
    .join(' ');
  return `job ${job.id} mapping ${job.mappingId} ${job.status} ${counters}${job.message ? ` — ${job.message}` : ''}`;
}
