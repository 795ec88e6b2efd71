import { SyncErrorSchema } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await runJob(api, api.mappings.customers!);
  await runJob(api, api.mappings.items!);
  // 120 more errors spread over both mappings, jobs and couplings, so that a page of 50 needs many of each.
  const em = api.runtime.store.em();
  const couplings = (await em.getKnex()('coupling').select('id', 'mapping_id').limit(120)) as {
    id: number;
    mapping_id: number;
  }[];
  const jobs = (await em.getKnex()('sync_job').select('id', 'mapping_id')) as { id: number; mapping_id: number }[];
  couplings.forEach((coupling, i) => {
    const job = jobs.find((j) => j.mapping_id === coupling.mapping_id)!;
    em.create(SyncErrorSchema, {
      mappingId: coupling.mapping_id,
      couplingId: coupling.id,
      jobId: job.id,
      kind: i % 2 ? 'UPDATE_CONFLICT' : 'WRITE_FAILED',
      status: 'OPEN',
      message: `seeded ${i}`,
      occurredAt: Date.now() - i,
    });
  });
  await em.flush();
});
afterAll(() => api.close());

/** Counts the SQL statements the store runs while `fn` runs (knex's `query` event: every statement the ORM sends). */
async function countStatements(fn: () => Promise<unknown>): Promise<{ count: number; sql: string[] }> {
  const knex = api.runtime.store.em().getKnex();
  const sql: string[] = [];
  const listener = (query: { sql: string }) => sql.push(query.sql);
  knex.on('query', listener);
  try {
    await fn();
  } finally {
    knex.removeListener('query', listener);
  }
  return { count: sql.length, sql };
}

const PAGE = `query($after: String) { syncErrors(first: 50, after: $after) {
  totalCount
  edges { node { id kind message occurredAt
    mapping { id name fields { localField } }
    coupling { id localId integrationId parked mapping { name } }
    job { id status trigger mapping { name } } } }
  pageInfo { hasNextPage endCursor } } }`;

describe('no N+1', () => {
  it('a page of 50 errors with mapping, coupling and job costs a bounded number of statements, on any page', async () => {
    let first: Awaited<ReturnType<typeof gql>> | undefined;
    const firstPage = await countStatements(async () => {
      first = await gql(api, api.keys.VIEWER, PAGE);
    });
    expect(first!.body.errors).toBeUndefined();
    const data = first!.body.data as {
      syncErrors: { edges: { node: { coupling: unknown; job: unknown } }[]; pageInfo: { endCursor: string } };
    };
    expect(data.syncErrors.edges).toHaveLength(50);
    expect(data.syncErrors.edges.every((e) => e.node.coupling && e.node.job)).toBe(true);
    // auth lookup (+ its throttled last-used update), page, SQLite's change check before the count (see
    // count-cache.ts), count, mappings, field mappings, couplings, jobs: one per type, never one per row.
    expect(firstPage.count, firstPage.sql.join('\n')).toBeLessThanOrEqual(9);

    const second = await countStatements(() =>
      gql(api, api.keys.VIEWER, PAGE, { after: data.syncErrors.pageInfo.endCursor }),
    );
    expect(second.count).toBeLessThanOrEqual(firstPage.count);
  });
});
