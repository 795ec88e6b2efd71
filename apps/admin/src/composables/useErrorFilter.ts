import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { type ErrorFilterState, type FilterChange, filterFromQuery, queryFromFilter, withChange } from './error-filter';
import { FIRST_PAGE, nextPage, previousPage } from './keyset-paging';
import { queryFromSelection, type Selection, selectionFromQuery } from './selection';

/**
 * The errors page's filter, page and selection, read from and written to the URL (the URL is the only
 * state, so a link reproduces what was shown and picked). `pageSize` caps the ids a selection may hold.
 */
export function useErrorFilter(pageSize: number) {
  const route = useRoute();
  const router = useRouter();
  const state = computed(() => filterFromQuery(route.query));
  const selection = computed(() => selectionFromQuery(route.query.selected, pageSize));

  // Written from the state alone: the selection and an open detail panel belong to the list left behind.
  const go = (next: ErrorFilterState) => router.push({ query: queryFromFilter(next) });

  return {
    state,
    selection,
    /** A filter or view change: a new history entry (Back undoes it), from the first page. */
    change: (change: FilterChange) => go(withChange(state.value, change)),
    /** Paging: new history entries too, so the browser's Back returns to the page before as well. */
    next: (endCursor: string) => go({ ...state.value, ...nextPage(state.value, endCursor) }),
    previous: () => go({ ...state.value, ...previousPage(state.value) }),
    first: () => go({ ...state.value, ...FIRST_PAGE }),
    /** Ticking boxes replaces the URL rather than piling up history entries. */
    select: (next: Selection) => {
      const { selected: _old, ...rest } = route.query;
      return router.replace({ query: { ...rest, ...queryFromSelection(next, pageSize) } });
    },
  };
}
