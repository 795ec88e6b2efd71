import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { type ErrorFilterState, filterFromQuery, queryFromFilter, withChange } from './error-filter';

/** The errors page's filter, read from and written to the URL (the URL is the only state). */
export function useErrorFilter() {
  const route = useRoute();
  const router = useRouter();
  const state = computed(() => filterFromQuery(route.query));

  function go(next: ErrorFilterState, replace: boolean) {
    const location = { query: queryFromFilter(next) };
    return replace ? router.replace(location) : router.push(location);
  }

  return {
    state,
    /** A filter change: a new history entry (Back undoes it), from the first page. */
    change: (change: Partial<Omit<ErrorFilterState, 'after'>>) => go(withChange(state.value, change), false),
    /** Paging: a new history entry too, so Back returns to the page before. */
    page: (after: string | null) => go({ ...state.value, after }, false),
  };
}
