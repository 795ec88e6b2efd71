import { t } from '../i18n';
import { type Paging, pagingFromQuery, queryFromPaging } from './keyset-paging';
import type { Job } from './sync-jobs';

export type JobStatus = Job['status'];

export const JOB_STATUSES = [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'PARTIAL',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly JobStatus[];

/**
 * The jobs page's view, all of it in the URL (`/jobs?mapping=…&status=FAILED,PARTIAL&after=…&back=…&page=…`):
 * the filter and the keyset page with the cursors that lead back (Previous).
 */
export interface JobFilterState extends Paging {
  mappingId: string | null;
  statuses: JobStatus[];
}

type QueryValue = string | null | (string | null)[] | undefined;

function single(value: QueryValue): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first == null || first === '' ? null : first;
}

/** Unknown values (a stale link) fall back to the default, never throw. */
export function jobFilterFromQuery(query: Record<string, QueryValue>): JobFilterState {
  const statuses = (single(query.status) ?? '')
    .split(',')
    .filter((status): status is JobStatus => (JOB_STATUSES as readonly string[]).includes(status));
  return { mappingId: single(query.mapping), statuses: [...new Set(statuses)], ...pagingFromQuery(query) };
}

export function queryFromJobFilter(state: JobFilterState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.mappingId) query.mapping = state.mappingId;
  if (state.statuses.length > 0) query.status = state.statuses.join(',');
  return { ...query, ...queryFromPaging(state) };
}

export function matchesJobFilter(job: Job, state: JobFilterState): boolean {
  return (
    (state.mappingId === null || job.mapping.id === state.mappingId) &&
    (state.statuses.length === 0 || state.statuses.includes(job.status))
  );
}

/**
 * Folds a `syncJobChanged` event into the page shown: a listed job is replaced by its new state (it stays
 * even if its new status leaves the filter, so rows do not vanish under the pointer); a job not listed
 * joins only the first page, on top, when it matches the filter. The page keeps its size.
 */
export function applyJobEvent(rows: readonly Job[], job: Job, state: JobFilterState, pageSize: number): Job[] {
  if (rows.some((row) => row.id === job.id)) return rows.map((row) => (row.id === job.id ? job : row));
  if (state.after !== null || !matchesJobFilter(job, state)) return [...rows];
  return [job, ...rows].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)).slice(0, pageSize);
}

/** A job's counters in the order the console shows them, each with the sign or word that marks it. */
export const COUNTERS = ['inserted', 'modified', 'deleted', 'unchanged', 'coupled', 'skipped', 'failed'] as const;
export type Counter = (typeof COUNTERS)[number];

/** The short mark of the first four ("+3 ~2 −0 =40"); the others are said in words. */
export const COUNTER_SIGNS: Partial<Record<Counter, string>> = {
  inserted: '+',
  modified: '~',
  deleted: '−',
  unchanged: '=',
};

/** "+3 ~2 −0 =40 · coupled 1 · skipped 0 · failed 1" (the words in the console's language). */
export function jobCounters(job: Pick<Job, Counter>): string {
  const signed = COUNTERS.filter((counter) => COUNTER_SIGNS[counter]).map((c) => `${COUNTER_SIGNS[c]}${job[c]}`);
  const worded = COUNTERS.filter((counter) => !COUNTER_SIGNS[counter]).map(
    (c) => `${t(`jobs.counterWords.${c as 'coupled' | 'skipped' | 'failed'}`)} ${job[c]}`,
  );
  return [signed.join(' '), ...worded].join(' · ');
}
