import type { UseQueryResponse } from '@urql/vue';
import { type ComputedRef, computed, type Ref, ref, watch } from 'vue';
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

/**
 * A query's variables that keep their identity while their value stays the same. urql runs a query again
 * whenever its variables object changes, and with `cache-and-network` that is a network read: the page's
 * state is rebuilt from the URL at every change (ticking a row, opening the detail panel), which would
 * otherwise re-read the list and move rows under the user's hands, changes waiting for Refresh included.
 */
export function stableVariables<T>(read: () => T): ComputedRef<T> {
  return computed((previous: T | undefined) => {
    const next = read();
    return previous !== undefined && JSON.stringify(previous) === JSON.stringify(next) ? previous : next;
  });
}
