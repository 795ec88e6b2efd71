import type { RouteLocationRaw } from 'vue-router';
import { DEFAULT_FILTER, queryFromFilter } from './error-filter';
import { queryFromJobFilter } from './job-filter';
import { FIRST_PAGE } from './keyset-paging';

// Built by the errors and jobs pages' own URL encoders, so that a link from here opens exactly the view
// those pages would show for "this mapping" even if their URL format changes.

/** The errors page narrowed to one mapping's open errors. */
export function mappingErrorsLink(mappingId: string): RouteLocationRaw {
  return { name: 'errors', query: queryFromFilter({ ...DEFAULT_FILTER, mappingId }) };
}

/** The jobs page narrowed to one mapping. */
export function mappingJobsLink(mappingId: string): RouteLocationRaw {
  return { name: 'jobs', query: queryFromJobFilter({ mappingId, statuses: [], ...FIRST_PAGE }) };
}
