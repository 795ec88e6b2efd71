import { computed, ref, type WatchSource, watch } from 'vue';

/**
 * Keyset pages kept in memory, for lists whose page is not in the URL (a job's errors and log): the
 * cursor of each page shown so far, so that Previous needs no offset. Back to the first page whenever
 * `restartOn` changes (another job, another filter).
 */
export function useCursorPages(restartOn: WatchSource) {
  const cursors = ref<(string | null)[]>([null]);
  watch(restartOn, () => {
    cursors.value = [null];
  });
  return {
    /** The `after` of the page shown; null on the first page. */
    after: computed(() => cursors.value[cursors.value.length - 1] ?? null),
    /** 1-based. */
    page: computed(() => cursors.value.length),
    canPrevious: computed(() => cursors.value.length > 1),
    first: () => {
      cursors.value = [null];
    },
    previous: () => {
      cursors.value = cursors.value.slice(0, -1);
    },
    next: (endCursor: string | null) => {
      cursors.value = [...cursors.value, endCursor];
    },
  };
}
