import type { JobFields } from '../graphql/dashboard';
import type { ResultOf } from '../graphql/tada';

export type Job = ResultOf<typeof JobFields>;

const ACTIVE = new Set<Job['status']>(['QUEUED', 'RUNNING']);

export function isActive(job: Pick<Job, 'status'>): boolean {
  return ACTIVE.has(job.status);
}

/**
 * Folds one `syncJobChanged` event into the list: the event is the job's whole state, so it replaces the
 * stored one. Newest first (by when queued), at most `limit` jobs.
 */
export function mergeJob(jobs: readonly Job[], job: Job, limit = 30): Job[] {
  const others = jobs.filter((known) => known.id !== job.id);
  return [job, ...others].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)).slice(0, limit);
}

/**
 * A running job's progress as a percentage, estimated from the records the mapping's last finished job
 * read (the API knows no total before the job ends). Null when there is nothing to compare with: the bar
 * then shows the count only. Never 100 while running.
 */
export function estimateProgress(job: Job, jobs: readonly Job[]): number | null {
  if (job.status === 'QUEUED') return 0;
  if (!isActive(job)) return 100;
  const previous = jobs.find(
    (other) => other.id !== job.id && other.mapping.id === job.mapping.id && !isActive(other) && other.processed > 0,
  );
  if (!previous) return null;
  return Math.min(99, Math.floor((job.processed / previous.processed) * 100));
}

/** "1.2 s", "3 min 4 s"; null while not started. */
export function jobDuration(job: Pick<Job, 'startedAt' | 'finishedAt'>, now = Date.now()): string | null {
  if (!job.startedAt) return null;
  const ms = (job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.startedAt);
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export type TagType = 'default' | 'info' | 'success' | 'warning' | 'error';

const STATUS_TAGS: Record<Job['status'], TagType> = {
  QUEUED: 'default',
  RUNNING: 'info',
  SUCCEEDED: 'success',
  PARTIAL: 'warning',
  FAILED: 'error',
  CANCELLED: 'default',
};

export function jobStatusTag(status: Job['status']): TagType {
  return STATUS_TAGS[status];
}

/**
 * The job's own number, as people say it ("job #148"): the database id inside its global id (a base64 of
 * "SyncJob:148"). Any other id is shown as it is.
 */
export function jobDatabaseId(globalId: string): string {
  try {
    const [type, id] = atob(globalId).split(':');
    return type === 'SyncJob' && id ? id : globalId;
  } catch {
    return globalId;
  }
}
