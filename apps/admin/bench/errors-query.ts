import { note, quantile } from '@tandem/sync-core/bench-kit';
import { stringifyDocument } from '@urql/core';
import { SyncErrorCountQuery, SyncErrorsQuery } from '../src/graphql/sync-errors.js';
import { touchStore } from './errors-store.js';

/** The errors page's own queries (its rows, and the count it asks apart), so the expected rows and the
 * diagnosis ask exactly what the page asks. */
const PAGE_QUERY = stringifyDocument(SyncErrorsQuery);
const COUNT_QUERY = stringifyDocument(SyncErrorCountQuery);
const PAGE_SIZE = 50;

interface PageAnswer {
  syncErrors: { edges: { node: { id: string } }[] };
}
interface CountAnswer {
  syncErrors: { totalCount: number };
}

async function post<T>(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The rows (ids in order) and total the page must show for a filter: what the probe waits for. */
export async function expectedPage(
  url: string,
  key: string,
  filter: Record<string, unknown>,
): Promise<{ ids: string[]; totalCount: number }> {
  const data = await post<PageAnswer>(url, key, PAGE_QUERY, { filter, first: PAGE_SIZE, after: null });
  const count = await post<CountAnswer>(url, key, COUNT_QUERY, { filter });
  const ids = data.syncErrors.edges.map((edge) => edge.node.id);
  if (ids.length !== PAGE_SIZE) throw new Error(`expected a full page, got ${ids.length} rows`);
  return { ids, totalCount: count.syncErrors.totalCount };
}

const SAMPLES = 7;

async function timed(run: () => Promise<unknown>, before?: () => void): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    before?.();
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return quantile(samples, 0.5);
}

/**
 * Where the server's share goes, over HTTP from here (one request at a time, median of 7): the page's rows,
 * and its count counted anew (after another connection's write) and cached.
 */
export async function diagnoseQueries(
  url: string,
  key: string,
  storePath: string,
  filters: Record<string, unknown>[],
): Promise<void> {
  for (const filter of filters) {
    const rows = await timed(() => post(url, key, PAGE_QUERY, { filter, first: PAGE_SIZE, after: null }));
    const countAnew = await timed(
      () => post(url, key, COUNT_QUERY, { filter }),
      () => touchStore(storePath),
    );
    const countCached = await timed(() => post(url, key, COUNT_QUERY, { filter }));
    note(
      `SyncErrors ${JSON.stringify(filter)}: rows ${rows.toFixed(1)} ms; count ${countAnew.toFixed(1)} ms anew, ` +
        `${countCached.toFixed(1)} ms cached`,
    );
  }
}
