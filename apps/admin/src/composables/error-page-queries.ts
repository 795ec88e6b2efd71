import type { Client } from '@urql/core';
import { SyncErrorCountQuery, SyncErrorsQuery } from '../graphql/sync-errors';
import { type ErrorFilterState, filterFromQuery, toApiFilter } from './error-filter';

/** Rows per page of the errors list. */
export const ERRORS_PAGE_SIZE = 50;

/** The list's variables for a view of the page: one definition for the page and for the prefetch below. */
export function errorListVariables(state: ErrorFilterState) {
  return { filter: toApiFilter(state), first: ERRORS_PAGE_SIZE, after: state.after };
}

export function errorCountVariables(state: ErrorFilterState) {
  return { filter: toApiFilter(state) };
}

/**
 * Asks for the list a link to the errors page will show while the page's code is still loading (called
 * by the route before its chunks arrive): the page's own queries, with the same variables, then find the
 * answer in urql's cache or already on its way, instead of starting only once the page has mounted.
 */
export function prefetchErrorList(client: Client, query: Record<string, unknown>): void {
  const state = filterFromQuery(query as Parameters<typeof filterFromQuery>[0]);
  if (state.view !== 'list') return;
  void client.query(SyncErrorsQuery, errorListVariables(state)).toPromise();
  void client.query(SyncErrorCountQuery, errorCountVariables(state)).toPromise();
}
