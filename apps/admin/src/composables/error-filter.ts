import type { SyncErrorsQuery } from '../graphql/sync-errors';
import type { VariablesOf } from '../graphql/tada';
import { SYNC_ERROR_KINDS, type SyncErrorKind } from './labels';

export type ApiErrorFilter = NonNullable<VariablesOf<typeof SyncErrorsQuery>['filter']>;
export type StatusChoice = 'OPEN' | 'RESOLVED' | 'ALL';

/** What the errors page shows, all of it in the URL so that a link reproduces the view. */
export interface ErrorFilterState {
  mappingId: string | null;
  kinds: SyncErrorKind[];
  status: StatusChoice;
  search: string;
  /** Keyset cursor of the page shown (`endCursor` of the page before); null: the first page. */
  after: string | null;
}

export const DEFAULT_FILTER: ErrorFilterState = { mappingId: null, kinds: [], status: 'OPEN', search: '', after: null };

type QueryValue = string | null | (string | null)[] | undefined;

function single(value: QueryValue): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first == null || first === '' ? null : first;
}

/** Reads the URL's query; anything unknown (a stale link, a typo) falls back to the default, never throws. */
export function filterFromQuery(query: Record<string, QueryValue>): ErrorFilterState {
  const kinds = (single(query.kind) ?? '')
    .split(',')
    .filter((kind): kind is SyncErrorKind => (SYNC_ERROR_KINDS as readonly string[]).includes(kind));
  const status = single(query.status);
  return {
    mappingId: single(query.mapping),
    kinds: [...new Set(kinds)],
    status: status === 'RESOLVED' || status === 'ALL' ? status : 'OPEN',
    search: single(query.q)?.trim() ?? '',
    after: single(query.after),
  };
}

/** The URL query for a state; defaults are left out so that the plain page has a plain URL. */
export function queryFromFilter(state: ErrorFilterState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.mappingId) query.mapping = state.mappingId;
  if (state.kinds.length > 0) query.kind = state.kinds.join(',');
  if (state.status !== 'OPEN') query.status = state.status;
  if (state.search.trim()) query.q = state.search.trim();
  if (state.after) query.after = state.after;
  return query;
}

/** A change of what is filtered starts again at the first page: the old cursor belongs to another list. */
export function withChange(
  state: ErrorFilterState,
  change: Partial<Omit<ErrorFilterState, 'after'>>,
): ErrorFilterState {
  return { ...state, ...change, after: null };
}

/** The API's SyncErrorFilter for a state (without the page cursor, which is its own argument). */
export function toApiFilter(state: ErrorFilterState): ApiErrorFilter {
  const filter: ApiErrorFilter = {};
  if (state.mappingId) filter.mappingId = state.mappingId;
  if (state.kinds.length > 0) filter.kinds = state.kinds;
  filter.statuses = state.status === 'ALL' ? ['OPEN', 'RESOLVED'] : [state.status];
  if (state.search.trim()) filter.search = state.search.trim();
  return filter;
}

/** True when any filter narrows the list (the empty state then says so and offers to clear them). */
export function isFiltered(state: ErrorFilterState): boolean {
  return state.mappingId !== null || state.kinds.length > 0 || state.search.trim() !== '' || state.status !== 'OPEN';
}
