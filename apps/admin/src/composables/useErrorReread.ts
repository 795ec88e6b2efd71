import type { UseQueryResponse } from '@urql/vue';
import { computed, type Ref, ref, watch } from 'vue';
import type { Reread } from './error-live';

/**
 * Reads a query of the errors page again whenever the page asks (`reread.count`), from the network.
 * `loading` stays false while a quiet (live) re-read runs: the rows stay where they are until the answer
 * replaces them, so the page neither flashes nor jumps. Another list (new `variables`) shows it again.
 */
export function useErrorReread(
  reread: Ref<Reread>,
  // biome-ignore lint/suspicious/noExplicitAny: any query of the page; only fetching and executeQuery are used.
  query: UseQueryResponse<any, any>,
  variables: Ref<unknown>,
) {
  const quiet = ref(false);
  watch(
    () => reread.value.count,
    () => {
      quiet.value = reread.value.quiet;
      void query.executeQuery({ requestPolicy: 'network-only' });
    },
  );
  watch(query.fetching, (fetching) => {
    if (!fetching) quiet.value = false;
  });
  watch(
    () => JSON.stringify(variables.value),
    () => {
      quiet.value = false;
    },
  );
  return { loading: computed(() => query.fetching.value && !quiet.value) };
}
