import { useQuery, useSubscription } from '@urql/vue';
import { computed, onScopeDispose, type Ref, ref, watch } from 'vue';
import {
  ErrorSummaryChangedSubscription,
  ErrorSummaryQuery,
  JobChangedSubscription,
  JobOutcomesQuery,
  RecentJobsQuery,
} from '../graphql/dashboard';
import { OUTCOME_WINDOWS, type OutcomeWindow } from './job-outcomes';
import { isActive, type Job, mergeJob } from './sync-jobs';

const RECENT_JOBS = 30;

/**
 * The open-error summary: the query gives the first picture, then every `syncErrorsChanged` event carries
 * a complete fresh summary, so the newest event simply replaces it. No polling.
 */
export function useErrorSummaryLive() {
  const query = useQuery({ query: ErrorSummaryQuery, requestPolicy: 'cache-and-network' });
  const live = useSubscription({ query: ErrorSummaryChangedSubscription });
  const summary = computed(() => live.data.value?.syncErrorsChanged ?? query.data.value?.syncErrorSummary ?? null);
  return { summary, fetching: query.fetching, error: computed(() => query.error.value ?? live.error.value) };
}

/** Recent jobs, kept current by `syncJobChanged` (queued, progress, finished) without reloading. */
export function useJobsLive() {
  const query = useQuery({ query: RecentJobsQuery, variables: { first: RECENT_JOBS }, requestPolicy: 'network-only' });
  const jobs = ref<Job[]>([]);
  watch(
    () => query.data.value,
    (data) => {
      if (!data) return;
      // Events that arrived before the first page stay: they are newer than what the query read.
      let merged = jobs.value;
      for (const edge of data.syncJobs.edges) {
        if (!merged.some((job) => job.id === edge.node.id)) merged = mergeJob(merged, edge.node, RECENT_JOBS);
      }
      jobs.value = merged;
    },
    { immediate: true },
  );
  const live = useSubscription({ query: JobChangedSubscription }, (_previous, event) => {
    jobs.value = mergeJob(jobs.value, event.syncJobChanged, RECENT_JOBS);
    return event;
  });
  return { jobs, fetching: query.fetching, error: computed(() => query.error.value ?? live.error.value) };
}

/** Jobs often finish in bursts (one per mapping): one re-read for the burst. */
const OUTCOMES_SETTLE_MS = 1500;

/**
 * Finished jobs per time bucket. Re-read when `syncJobChanged` says a job finished (the store counts, so a
 * late or repeated event can never count a job twice) and when the newest bucket ends, so the axis moves on
 * even while nothing runs. No polling.
 */
export function useJobOutcomesLive(window: Ref<OutcomeWindow>) {
  const query = useQuery({
    query: JobOutcomesQuery,
    variables: computed(() => ({
      hours: OUTCOME_WINDOWS[window.value].hours,
      bucketMinutes: OUTCOME_WINDOWS[window.value].bucketMinutes,
    })),
    requestPolicy: 'network-only',
  });
  let settle: ReturnType<typeof setTimeout> | undefined;
  const reread = () => {
    clearTimeout(settle);
    settle = setTimeout(() => query.executeQuery({ requestPolicy: 'network-only' }), OUTCOMES_SETTLE_MS);
  };
  const counted = new Set<string>();
  const live = useSubscription({ query: JobChangedSubscription }, (_previous, event) => {
    const job = event.syncJobChanged;
    // A job that is neither queued nor running has finished: it counts in the outcomes from now on.
    if (!isActive(job) && !counted.has(job.id)) {
      counted.add(job.id);
      reread();
    }
    return event;
  });
  const buckets = computed(() => query.data.value?.syncJobOutcomes ?? []);
  let rollover: ReturnType<typeof setTimeout> | undefined;
  watch(buckets, (list) => {
    clearTimeout(rollover);
    const last = list[list.length - 1];
    if (last) rollover = setTimeout(reread, Math.max(Date.parse(last.end) - Date.now(), 0) + 1000);
  });
  onScopeDispose(() => {
    clearTimeout(settle);
    clearTimeout(rollover);
  });
  return { buckets, fetching: query.fetching, error: computed(() => query.error.value ?? live.error.value) };
}
