import type { SyncErrorsQuery } from '../graphql/sync-errors';
import type { VariablesOf } from '../graphql/tada';
import { SYNC_ERROR_KINDS, type SyncErrorKind } from './error-kinds';
import { FIRST_PAGE, type Paging, pagingFromQuery, queryFromPaging } from './keyset-paging';

export type ApiErrorFilter = NonNullable<VariablesOf<typeof SyncErrorsQuery>['filter']>;
export type StatusChoice = 'OPEN' | 'RESOLVED' | 'ALL';
/** The errors one by one, or counted by mapping, kind and message pattern. */
export type ErrorView = 'list' | 'groups';

/** What the errors page shows, all of it in the URL so that a link reproduces the view. */
export interface ErrorFilterState extends Paging {
  view: ErrorView;
  mappingId: string | null;
  kinds: SyncErrorKind[];
  status: StatusChoice;
  search: string;
  /** One group's `messagePattern` (set by a group's "Show errors"). */
  messagePattern: string | null;
  /** The errors one job opened or refreshed (a retry's "errors that came back"): `?job=<SyncJob id>`. */
  jobId: string | null;
}

/** What a filter change may set: everything but the page, which a change always resets. */
export type FilterChange = Partial<Omit<ErrorFilterState, keyof Paging>>;

export const DEFAULT_FILTER: ErrorFilterState = {
  view: 'list',
  mappingId: null,
  kinds: [],
  status: 'OPEN',
  search: '',
  messagePattern: null,
  jobId: null,
  ...FIRST_PAGE,
};

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
    view: single(query.view) === 'groups' ? 'groups' : 'list',
    mappingId: single(query.mapping),
    kinds: [...new Set(kinds)],
    status: status === 'RESOLVED' || status === 'ALL' ? status : 'OPEN',
    search: single(query.q)?.trim() ?? '',
    messagePattern: single(query.pattern),
    jobId: single(query.job),
    ...pagingFromQuery(query),
  };
}

/** The URL query for a state; defaults are left out so that the plain page has a plain URL. */
export function queryFromFilter(state: ErrorFilterState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.view === 'groups') query.view = 'groups';
  if (state.mappingId) query.mapping = state.mappingId;
  if (state.kinds.length > 0) query.kind = state.kinds.join(',');
  if (state.status !== 'OPEN') query.status = state.status;
  if (state.search.trim()) query.q = state.search.trim();
  if (state.messagePattern) query.pattern = state.messagePattern;
  if (state.jobId) query.job = state.jobId;
  return { ...query, ...queryFromPaging(state) };
}

/** A change of what is shown starts again at the first page: the old cursors belong to another list. */
export function withChange(state: ErrorFilterState, change: FilterChange): ErrorFilterState {
  return { ...state, ...change, ...FIRST_PAGE };
}

/**
 * The API's SyncErrorFilter for a state (without the page cursor, which is its own argument). The groups
 * view counts open errors only (that is what `syncErrorGroups` groups, and what group actions act on).
 */
export function toApiFilter(state: ErrorFilterState): ApiErrorFilter {
  const filter: ApiErrorFilter = {};
  if (state.mappingId) filter.mappingId = state.mappingId;
  if (state.kinds.length > 0) filter.kinds = state.kinds;
  if (state.view === 'groups') filter.statuses = ['OPEN'];
  else filter.statuses = state.status === 'ALL' ? ['OPEN', 'RESOLVED'] : [state.status];
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.messagePattern) filter.messagePattern = state.messagePattern;
  if (state.jobId) filter.jobId = state.jobId;
  return filter;
}

/** Rows per page of the errors list. */
export const ERRORS_PAGE_SIZE = 50;

/**
 * The list's variables for a view of the page: one definition for the page, the route's prefetch and the
 * first paint (src/first-paint), so that all three ask the API the same question and share its answer.
 */
export function errorListVariables(state: ErrorFilterState) {
  return { filter: toApiFilter(state), first: ERRORS_PAGE_SIZE, after: state.after };
}

export function errorCountVariables(state: ErrorFilterState) {
  return { filter: toApiFilter(state) };
}

/** The filter of the open errors among those the page matches (what "Retry all" retries). */
export function openErrorsFilter(state: ErrorFilterState): ApiErrorFilter {
  return { ...toApiFilter(state), statuses: ['OPEN'] };
}

/** True when any filter narrows the list (the empty state then says so and offers to clear them). */
export function isFiltered(state: ErrorFilterState): boolean {
  return (
    state.mappingId !== null ||
    state.kinds.length > 0 ||
    state.search.trim() !== '' ||
    state.messagePattern !== null ||
    state.jobId !== null ||
    (state.view === 'list' && state.status !== 'OPEN')
  );
}

/** Every filter cleared, in the same view: the defaults' filters, so a new filter is cleared by itself. */
const { view: _view, after: _after, back: _back, page: _page, ...defaultFilters } = DEFAULT_FILTER;
export const NO_FILTER: FilterChange = defaultFilters;

/** A group's errors: the list view narrowed to the group's mapping, kind and pattern (keeping the search). */
export function groupChange(group: {
  mapping: { id: string };
  kind: SyncErrorKind;
  messagePattern: string;
}): FilterChange {
  return {
    view: 'list',
    mappingId: group.mapping.id,
    kinds: [group.kind],
    status: 'OPEN',
    messagePattern: group.messagePattern,
  };
}

/**
 * The errors of one group, as an action's filter: its mapping, kind and pattern, open only, and the
 * page's search where one is set (the group was counted under it, so the count shown is what is acted on).
 */
export function groupFilter(
  group: { mapping: { id: string }; kind: SyncErrorKind; messagePattern: string },
  state: ErrorFilterState,
): ApiErrorFilter {
  const filter: ApiErrorFilter = {
    mappingId: group.mapping.id,
    kinds: [group.kind],
    messagePattern: group.messagePattern,
    statuses: ['OPEN'],
  };
  if (state.search.trim()) filter.search = state.search.trim();
  return filter;
}
