import { useClientHandle, useSubscription } from '@urql/vue';
import { computed, type Ref, ref, watch } from 'vue';
import { JobChangedSubscription } from '../graphql/dashboard';
import { TableMappingChangedSubscription, TableMappingLastJobQuery } from '../graphql/table-mappings';
import { type LastJobs, withJobEvent } from './table-mapping-live';

/**
 * The newest job of each listed mapping: one `syncJobs(mappingId, first: 1)` per mapping (a handful), then
 * kept current by `syncJobChanged`, so a job queued, running or finished shows without reloading.
 */
export function useTableMappingLastJobs(mappingIds: Ref<readonly string[]>) {
  const { client } = useClientHandle();
  const lastJobs = ref<LastJobs>({});
  const error = ref<Error | null>(null);

  watch(
    mappingIds,
    (ids) => {
      for (const mappingId of ids) {
        if (lastJobs.value[mappingId] !== undefined) continue;
        void client
          .query(TableMappingLastJobQuery, { mappingId }, { requestPolicy: 'network-only' })
          .toPromise()
          .then((answer) => {
            if (answer.error) {
              error.value = answer.error;
              return;
            }
            // An event that arrived while the query was on its way is fresher than the answer: it stays.
            if (lastJobs.value[mappingId] !== undefined) return;
            lastJobs.value = { ...lastJobs.value, [mappingId]: answer.data?.syncJobs.edges[0]?.node ?? null };
          });
      }
    },
    { immediate: true },
  );

  useSubscription({ query: JobChangedSubscription }, (_previous, event) => {
    lastJobs.value = withJobEvent(lastJobs.value, event.syncJobChanged);
    return event;
  });

  return { lastJobs, error };
}

/**
 * Calls `reread` when a mapping (`id`, or any when null) is saved, here or in another admin's console, so a
 * page never shows settings that are no longer true. The edit form keeps what its user is typing.
 */
export function useTableMappingChanges(id: Ref<string | null>, reread: () => void) {
  useSubscription(
    { query: TableMappingChangedSubscription, variables: computed(() => ({ id: id.value })) },
    (_previous, event) => {
      reread();
      return event;
    },
  );
}
