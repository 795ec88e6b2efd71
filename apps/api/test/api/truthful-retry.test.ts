import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await runJob(api, api.mappings.items!);
});
afterAll(() => api.close());

/** One read of the store, as the API's own store sees it. */
function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return api.runtime.store.sql.session((sql) => sql.query<T>(text, params));
}

const FINISHED = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'];

/** Resolves with the final status of the job with this stored id (listening first, then reading, so no end is missed). */
function finished(jobId: number): Promise<string> {
  return new Promise((resolve) => {
    const unsubscribe = api.runtime.events.subscribe((event) => {
      if (event.type !== 'syncJobChanged' || event.job.id !== jobId || !FINISHED.includes(event.job.status)) return;
      unsubscribe();
      resolve(event.job.status);
    });
    void query<{ status: string }>('select status from sync_job where id = ?', [jobId]).then((rows) => {
      if (rows[0] && FINISHED.includes(rows[0].status)) {
        unsubscribe();
        resolve(rows[0].status);
      }
    });
  });
}

const RETRY = `mutation($filter: SyncErrorFilter!) { retryAllSyncErrors(filter: $filter, runNow: true) {
  __typename ... on SyncErrorActionResult {
    requested succeeded failed releasedForRetry
    retryJob { id trigger requestedBy status }
    jobs { id } } } }`;

type RetryResult = {
  retryAllSyncErrors: {
    requested: number;
    succeeded: number;
    failed: number;
    releasedForRetry: number;
    retryJob: { id: string; trigger: string; requestedBy: string; status: string } | null;
    jobs: { id: string }[];
  };
};

describe('retry says what it did', () => {
  it('releases the write failures the ERP rejects, names the real job that runs them, and that job says they failed again', async () => {
    const filter = { mappingId: String(api.mappings.items), kinds: ['WRITE_FAILED'] };
    const before = await gql<{ syncErrors: { totalCount: number } }>(
      api,
      api.keys.VIEWER,
      'query($filter: SyncErrorFilter) { syncErrors(filter: $filter) { totalCount } }',
      { filter: { ...filter, statuses: ['OPEN'] } },
    );
    const open = before.body.data!.syncErrors.totalCount;
    expect(open).toBeGreaterThan(0);

    const res = await gql<RetryResult>(api, api.keys.OPERATOR, RETRY, { filter });
    expect(res.body.errors).toBeUndefined();
    const result = res.body.data!.retryAllSyncErrors;
    expect(result.releasedForRetry).toBe(open);
    expect(result.failed).toBe(0);
    expect(result.retryJob).not.toBeNull();
    expect(result.jobs.map((job) => job.id)).toEqual([result.retryJob!.id]);
    expect(result.retryJob).toMatchObject({ trigger: 'RETRY', requestedBy: 'test-operator' });

    // The id is the stored job's, not a position in a list: the node query opens that very job.
    const stored = await query<{ id: unknown; trigger: string }>(
      `select id, trigger from sync_job where trigger = 'RETRY' order by id desc limit 1`,
    );
    const node = await gql<{ node: { id: string; trigger: string } | null }>(
      api,
      api.keys.VIEWER,
      'query($id: ID!) { node(id: $id) { id ... on SyncJob { trigger } } }',
      { id: result.retryJob!.id },
    );
    expect(node.body.data!.node).toEqual({ id: result.retryJob!.id, trigger: 'RETRY' });
    const jobId = Number(stored[0]!.id);
    expect(FINISHED).toContain(await finished(jobId));

    // How it ended for exactly those records: the ERP still rejects them, so every one failed again and is
    // open again, listed by the job's filter.
    const after = await gql<{
      node: { status: string; failed: number; modified: number; inserted: number };
      syncErrors: { totalCount: number };
    }>(
      api,
      api.keys.VIEWER,
      `query($id: ID!, $filter: SyncErrorFilter) {
        node(id: $id) { ... on SyncJob { status failed modified inserted } }
        syncErrors(filter: $filter) { totalCount } }`,
      { id: result.retryJob!.id, filter: { jobId: result.retryJob!.id, statuses: ['OPEN'] } },
    );
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.node).toMatchObject({ failed: open, modified: 0, inserted: 0 });
    expect(after.body.data!.syncErrors.totalCount).toBe(open);
    const reopened = await query<{ n: unknown }>(
      `select count(*) as n from sync_error where status = 'OPEN' and kind = 'WRITE_FAILED' and mapping_id = ?`,
      [api.mappings.items],
    );
    expect(Number(reopened[0]!.n)).toBe(open);
  });

  it('releases nothing and queues no job for a refused selection, and reports zero', async () => {
    const res = await gql<RetryResult>(api, api.keys.OPERATOR, RETRY, {
      filter: { mappingId: String(api.mappings.items), kinds: ['LOCAL_RECORD_DELETED'] },
    });
    expect(res.body.errors).toBeUndefined();
    const result = res.body.data!.retryAllSyncErrors;
    expect(result).toMatchObject({ releasedForRetry: 0, retryJob: null, jobs: [] });
  });
});
