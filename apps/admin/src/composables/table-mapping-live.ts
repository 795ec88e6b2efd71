import type { Job } from './sync-jobs';

/** Each mapping's newest job by mapping id; undefined: not known yet, null: the mapping never ran. */
export type LastJobs = Readonly<Record<string, Job | null | undefined>>;

/**
 * Folds one `syncJobChanged` event into the newest job per mapping: the event replaces the job it is
 * about, and a job queued after the one shown takes its place (a run just asked for). An older job's
 * late event changes nothing.
 */
export function withJobEvent(lastJobs: LastJobs, job: Job): LastJobs {
  const current = lastJobs[job.mapping.id];
  if (current && current.id !== job.id && current.queuedAt > job.queuedAt) return lastJobs;
  return { ...lastJobs, [job.mapping.id]: job };
}

/** Open-error counts by mapping id from a summary's `byMapping` (a mapping without errors is left out: 0). */
export function countsByMapping(byMapping: readonly { count: number; mapping: { id: string } }[]): Map<string, number> {
  return new Map(byMapping.map((entry) => [entry.mapping.id, entry.count]));
}
