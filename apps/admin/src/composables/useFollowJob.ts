import { useQuery, useSubscription } from '@urql/vue';
import { computed, onScopeDispose, type Ref, shallowRef, watch } from 'vue';
import { FollowJobChangedSubscription, FollowJobQuery } from '../graphql/sync-jobs';
import type { ResultOf } from '../graphql/tada';
import { newerJob } from './job-follow';
import { isActive } from './sync-jobs';

type FollowedJob = Extract<ResultOf<typeof FollowJobQuery>['syncJob'], { __typename: 'SyncJob' }>;

/** A subscription event can be missed while it is being set up: a slow look now and then catches the end. */
const SAFETY_READ_MS = 2000;

/**
 * Follows one job live until it ends: read once, then `syncJobChanged` of its mapping (status, progress,
 * counters), with a slow re-read as a safety net while it is still queued or running.
 */
export function useFollowJob(jobId: Ref<string | null>) {
  const job = shallowRef<FollowedJob | null>(null);
  watch(jobId, () => {
    job.value = null;
  });
  const query = useQuery({
    query: FollowJobQuery,
    variables: computed(() => ({ id: jobId.value ?? '' })),
    pause: computed(() => jobId.value === null),
    requestPolicy: 'network-only',
  });
  watch(
    () => query.data.value?.syncJob,
    (answer) => {
      if (answer?.__typename === 'SyncJob' && answer.id === jobId.value) job.value = newerJob(job.value, answer);
    },
    { immediate: true },
  );
  // Subscribed at once, to every mapping's jobs (filtered by id here): waiting for the job's mapping first
  // would leave a gap in which a short job could end unseen.
  const live = useSubscription(
    {
      query: FollowJobChangedSubscription,
      variables: { mappingId: null },
      pause: computed(() => jobId.value === null || (job.value !== null && !isActive(job.value))),
    },
    (_previous, event) => {
      const changed = event.syncJobChanged;
      if (changed.id === jobId.value) {
        job.value = newerJob(job.value, {
          requestedBy: job.value?.requestedBy ?? null,
          ...changed,
          __typename: 'SyncJob' as const,
        });
      }
      return event;
    },
  );
  const timer = setInterval(() => {
    if (jobId.value !== null && (job.value === null || isActive(job.value))) {
      void query.executeQuery({ requestPolicy: 'network-only' });
    }
  }, SAFETY_READ_MS);
  onScopeDispose(() => clearInterval(timer));
  const refused = computed(() => {
    const answer = query.data.value?.syncJob;
    return answer && answer.__typename !== 'SyncJob' ? answer.problem : null;
  });
  return { job, refused, error: computed(() => query.error.value ?? live.error.value) };
}
