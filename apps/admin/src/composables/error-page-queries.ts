import type { Client } from '@urql/core';
import { SyncErrorsQuery } from '../graphql/sync-errors';
import { ViewerQuery } from '../graphql/viewer';
import { errorListVariables, filterFromQuery } from './error-filter';

/**
 * Asks for the list a link to the errors page will show while the page's code is still loading (called
 * by the route before its chunks arrive): the page's own queries, with the same variables, then find the
 * answer in urql's cache or already on its way, instead of starting only once the page has mounted.
 */
export function prefetchErrorList(client: Client, query: Record<string, unknown>): void {
  // The viewer's role decides the table's columns (selection for those who may act): asked first, it is
  // known when the rows arrive, so the table is built once, not once without and again with them. The
  // shell's own query (provideViewer, cache-first) then takes this answer.
  void client.query(ViewerQuery, {}).toPromise();
  const state = filterFromQuery(query as Parameters<typeof filterFromQuery>[0]);
  if (state.view !== 'list') return;
  const list = errorListVariables(state);
  // network-only: the prefetch is the page's one fresh read; the page then takes it from the cache. The
  // count is left to the page, which asks it once the rows are in (SyncErrorListPanel): asked here too, a
  // count slower than the page's mount went out twice (the page's cache-first read does not join a
  // request still on its way), and sent beside the rows it made them wait on the API's one thread.
  void client.query(SyncErrorsQuery, list, { requestPolicy: 'network-only' }).toPromise();
  prefetched.set(`list:${JSON.stringify(list)}`, Date.now());
}

/** When each list was prefetched, by query and variables. */
const prefetched = new Map<string, number>();
/** How long a prefetched answer counts as the page's own first read. */
const PREFETCH_FRESH_MS = 10_000;

/**
 * The request policy of the page's list query for these variables. The page normally reads
 * `cache-and-network` (show what is cached, read again). But right after the route's prefetch that would
 * be a second identical request on every cold load (the prefetch answered ~0.6 s, the page asked again at
 * ~1.7 s once its chunks ran): for the variables just prefetched, `cache-first` takes that answer (or joins
 * it while it is still on its way). Once only: a later visit to the same list reads the network again.
 */
export function errorListPolicy(variables: unknown): 'cache-first' | 'cache-and-network' {
  const key = `list:${JSON.stringify(variables)}`;
  const at = prefetched.get(key);
  if (at === undefined) return 'cache-and-network';
  prefetched.delete(key);
  return Date.now() - at < PREFETCH_FRESH_MS ? 'cache-first' : 'cache-and-network';
}
