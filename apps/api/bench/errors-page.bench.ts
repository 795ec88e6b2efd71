import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCursor } from '@tandem/sync-core';
import { seedErrors } from '@tandem/sync-core/bench-errors-seed';
import { benchLine, note } from '@tandem/sync-core/bench-kit';
import autocannon from 'autocannon';
import Database from 'libsql';
import { spawnServer } from './api-process.js';
import { createErrorsBenchStore } from './seed-errors.js';

const TOTAL = Number(process.env.BENCH_ERRORS ?? 1_000_000);
const DEEP = Math.floor(TOTAL * 0.9);
const CONNECTIONS = 10;
const REQUESTS = 3_000;
/** The steady rate issue 12 names (requests per second of the first page), and for how long. */
const RATE = 50;
const RATE_SECONDS = 10;

const QUERY = `query($mapping: ID!, $after: String) {
  syncErrors(filter: { mappingId: $mapping, kinds: [WRITE_FAILED] }, first: 50, after: $after) {
    totalCount
    edges { cursor node { id kind status message localId integrationId occurredAt } }
    pageInfo { hasNextPage endCursor } } }`;

/** The cursor of the row `depth` rows into the filtered list: what a client paging that far would hold. */
function cursorAt(path: string, mappingId: number, depth: number): string {
  const db = new Database(path);
  const row = db
    .prepare(
      `select occurred_at as at, id from sync_error where mapping_id = ? and kind = 'WRITE_FAILED'
       order by occurred_at desc, id desc limit 1 offset ?`,
    )
    .get([mappingId, depth - 1]) as { at: number; id: number };
  db.close();
  return encodeCursor('errors', [Number(row.at), Number(row.id)]);
}

async function checkPage(url: string, key: string, body: string, expectedTotal: number): Promise<void> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const json = (await response.json()) as {
    data?: { syncErrors: { totalCount: number; edges: unknown[] } };
    errors?: unknown;
  };
  if (json.errors || json.data?.syncErrors.edges.length !== 50 || json.data.syncErrors.totalCount !== expectedTotal) {
    throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 500)}`);
  }
}

/** `amount` requests from CONNECTIONS clients, each sending its next request when answered, or at `rate` per second in all. */
async function load(url: string, key: string, body: string, amount: number, rate?: number) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
    connections: CONNECTIONS,
    amount,
    ...(rate ? { overallRate: rate } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

/**
 * BENCH errors-page: the first page of 50 errors filtered by mapping and kind, with totalCount, over
 * 1,000,000 stored errors on SQLite, 10 concurrent clients over HTTP to a real server on 127.0.0.1; then
 * the same query at a cursor 900,000 rows deep. deep_ratio = deep p50 / first-page p50; floor_ratio = first-page
 * p50 / the p50 of `{ __typename }` from the same clients to the same server in the same run. max_rps is
 * the first page's answers per second with the 10 clients back to back (the most the server holds);
 * rate50_p99_ms the p99 with the same clients sending 50 first pages per second in all for 10 s.
 */
export async function errorsPage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-api-'));
  const path = join(dir, 'tandem.sqlite');
  try {
    const { key, mappingIds } = await createErrorsBenchStore(path, 'VIEWER');
    let started = performance.now();
    const seeded = seedErrors(path, mappingIds, TOTAL);
    note(
      `${TOTAL} errors seeded in ${Math.round(performance.now() - started)} ms; ${seeded.matching} match the filter`,
    );
    const deepCursor = cursorAt(path, seeded.mappingId, DEEP);
    const server = await spawnServer('./errors-page.server.ts', [path]);
    try {
      const first = JSON.stringify({ query: QUERY, variables: { mapping: String(seeded.mappingId) } });
      const deep = JSON.stringify({
        query: QUERY,
        variables: { mapping: String(seeded.mappingId), after: deepCursor },
      });
      await checkPage(server.url, key, first, seeded.matching);
      await checkPage(server.url, key, deep, seeded.matching);
      started = performance.now();
      await load(server.url, key, first, 300); // warm-up: JIT, statement cache, page cache
      const firstPage = await load(server.url, key, first, REQUESTS);
      note(`first page: p50 ${firstPage.p50} ms, p99 ${firstPage.p99} ms, ${Math.round(firstPage.rps)} req/s`);
      // Where the time goes: the same page without totalCount.
      const uncounted = JSON.stringify({
        query: QUERY.replace('totalCount', ''),
        variables: { mapping: String(seeded.mappingId) },
      });
      const pageOnly = await load(server.url, key, uncounted, REQUESTS);
      note(`first page without totalCount: p50 ${pageOnly.p50} ms, p99 ${pageOnly.p99} ms`);
      await load(server.url, key, deep, 300);
      const deepPage = await load(server.url, key, deep, REQUESTS);
      note(`${DEEP} rows deep: p50 ${deepPage.p50} ms, p99 ${deepPage.p99} ms, ${Math.round(deepPage.rps)} req/s`);
      // The floor: the same clients, key and server answering the least a GraphQL request can ask for.
      const floorBody = JSON.stringify({ query: '{ __typename }' });
      await load(server.url, key, floorBody, 300);
      const floor = await load(server.url, key, floorBody, REQUESTS);
      note(`floor ({ __typename }): p50 ${floor.p50} ms, p99 ${floor.p99} ms, ${Math.round(floor.rps)} req/s`);
      // Issue 12: the errors page at a steady RATE per second (what overwhelmed the server while it ran jobs
      // on its own thread): held when the answers keep up and stay quick.
      const started50 = performance.now();
      const steady = await load(server.url, key, first, RATE * RATE_SECONDS, RATE);
      const steadyRate = (RATE * RATE_SECONDS * 1000) / (performance.now() - started50);
      note(
        `${RATE} req/s for ${RATE_SECONDS} s: p50 ${steady.p50} ms, p99 ${steady.p99} ms, ${steadyRate.toFixed(1)} req/s answered`,
      );
      const floorRatio = firstPage.p50 / Math.max(floor.p50, 1);
      const met = floorRatio <= 3 && deepPage.p50 <= 1.2 * firstPage.p50;
      note(`targets (floor_ratio ≤ 3, deep ≤ 1.2×): ${met ? 'met' : 'missed'}`);
      return benchLine('errors-page', {
        p50_ms: firstPage.p50,
        p99_ms: firstPage.p99,
        floor_p50_ms: floor.p50,
        floor_ratio: floorRatio,
        deep_ratio: deepPage.p50 / firstPage.p50,
        deep_p99_ms: deepPage.p99,
        max_rps: Math.round(firstPage.rps),
        rate50_p99_ms: steady.p99,
        errors: TOTAL,
        clients: CONNECTIONS,
      });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
