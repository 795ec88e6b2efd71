import { useQuery, useSubscription } from '@urql/vue';
import { computed, ref, watch } from 'vue';
import {
  ErrorSummaryChangedSubscription,
  ErrorSummaryQuery,
  JobChangedSubscription,
  RecentJobsQuery,
} from '../graphql/dashboard';
import { type Job, mergeJob } from './sync-jobs';

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
