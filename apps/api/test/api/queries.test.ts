import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await runJob(api, api.mappings.customers!);
  await runJob(api, api.mappings.items!);
});
afterAll(() => api.close());

describe('queries', () => {
  it('answers with application/graphql-response+json and lists the mappings with their fields', async () => {
    const res = await gql(
      api,
      api.keys.VIEWER,
      '{ tableMappings { id name direction scheduleSeconds fields { localField integrationField } } viewer { name role } }',
    );
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('application/graphql-response+json');
    expect(res.body.errors).toBeUndefined();
    const data = res.body.data as { tableMappings: { name: string; fields: unknown[] }[]; viewer: unknown };
    expect(data.tableMappings.map((m) => m.name)).toEqual(['contacts', 'customers', 'items']);
    const customers = data.tableMappings.find((m) => m.name === 'customers')!;
    expect(customers.fields).toHaveLength(4);
    expect(data.viewer).toEqual({ name: 'test-viewer', role: 'VIEWER' });
  });

  it('pages jobs and errors newest first with keyset cursors and totalCount', async () => {
    const jobs = await gql<{
      syncJobs: { totalCount: number; edges: { node: { status: string; mapping: { name: string } } }[] };
    }>(
      api,
      api.keys.VIEWER,
      '{ syncJobs(first: 1) { totalCount edges { node { status mapping { name } } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(jobs.body.errors).toBeUndefined();
    expect(jobs.body.data!.syncJobs.totalCount).toBe(2);
    expect(jobs.body.data!.syncJobs.edges[0]!.node.mapping.name).toBe('items');

    const query = `query($after: String) { syncErrors(first: 1, after: $after) {
      totalCount edges { cursor node { id kind status message occurredAt mapping { name } job { id } actions } }
      pageInfo { hasNextPage endCursor } } }`;
    type Errors = {
      syncErrors: {
        totalCount: number;
        edges: { node: { id: string; occurredAt: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: Awaited<ReturnType<typeof gql<Errors>>> = await gql<Errors>(api, api.keys.VIEWER, query, { after });
      expect(page.body.errors).toBeUndefined();
      total = page.body.data!.syncErrors.totalCount;
      seen.push(...page.body.data!.syncErrors.edges.map((e) => e.node.id));
      after = page.body.data!.syncErrors.pageInfo.hasNextPage ? page.body.data!.syncErrors.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThan(0);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });
});

describe('coupleRecords', () => {
  it('couples an uncoupled pair by hand for an operator, and refuses an already coupled record with a typed error', async () => {
    const [lead] = await api.runtime.store
      .em()
      .getConnection()
      .execute<{ local_id: string; integration_id: string; mapping_id: number }[]>(
        "select local_id, integration_id, mapping_id from coupling where integration_id like 'crm-lead-%' limit 1",
      );
    const mapping = String(lead!.mapping_id);
    // Remove that coupling first, so the two records are free to be coupled again by hand.
    await api.runtime.store
      .em()
      .getConnection()
      .execute("update coupling set state = 'UNCOUPLED' where integration_id = ?", [lead!.integration_id]);
    const call = (localId: string) =>
      gql<{
        coupleRecords: {
          __typename: string;
          outcome?: string;
          code?: string;
          coupling?: { localId: string; state: string };
        };
      }>(
        api,
        api.keys.OPERATOR,
        `mutation { coupleRecords(mappingId: "${mapping}", localId: "${localId}", integrationId: "${lead!.integration_id}") {
          __typename ... on CoupleRecordsPayload { outcome coupling { localId state } } ... on Error { code message } } }`,
      );
    const coupled = await call(lead!.local_id);
    expect(coupled.body.data!.coupleRecords).toMatchObject({
      __typename: 'CoupleRecordsPayload',
      outcome: 'UNCHANGED',
      coupling: { localId: lead!.local_id, state: 'COUPLED' },
    });
    const again = await call(lead!.local_id);
    expect(again.body.data!.coupleRecords).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT' });
  });
});

describe('syncErrorGroups', () => {
  it('is a connection: groups with counts, totalCount and cursors', async () => {
    const res = await gql<{
      syncErrorGroups: {
        totalCount: number;
        edges: { cursor: string; node: { kind: string; count: number; mapping: { name: string } } }[];
        pageInfo: { hasNextPage: boolean };
      };
    }>(
      api,
      api.keys.VIEWER,
      '{ syncErrorGroups(first: 5) { totalCount edges { cursor node { kind count mapping { name } } } pageInfo { hasNextPage } } }',
    );
    expect(res.body.errors).toBeUndefined();
    const groups = res.body.data!.syncErrorGroups;
    expect(groups.totalCount).toBe(groups.edges.length);
    expect(groups.edges.length).toBeGreaterThan(0);
    expect(groups.edges.every((e) => e.node.count > 0 && e.cursor.length > 0)).toBe(true);
  });
});

describe('job history', () => {
  const storeRows = <T>(sql: string, params: unknown[] = []) =>
    api.runtime.store.sql.session((store) => store.query<T>(sql, params));

  it("pages a job's log newest first, every entry once, and narrows it by action", async () => {
    const [job] = await storeRows<{ id: number }>(
      'select id from sync_job where mapping_id = ? order by id desc limit 1',
      [api.mappings.customers],
    );
    const [{ n: stored }] = (await storeRows<{ n: number }>(
      'select count(*) as n from sync_log_entry where job_id = ?',
      [job!.id],
    )) as [{ n: number }];
    expect(Number(stored)).toBeGreaterThan(200);

    const query = `query($id: ID!, $after: String, $actions: [SyncLogAction!]) { syncJob(id: $id) { ... on SyncJob {
      log(first: 200, after: $after, actions: $actions) { totalCount edges { node { id action job { id } } }
        pageInfo { hasNextPage endCursor } } } } }`;
    type Log = {
      syncJob: {
        log: {
          totalCount: number;
          edges: { node: { id: string; action: string; job: { id: string } } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    };
    const jobId = Buffer.from(`SyncJob:${job!.id}`).toString('base64');
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof gql<Log>>> = await gql<Log>(api, api.keys.VIEWER, query, {
        id: jobId,
        after,
      });
      expect(page.body.errors).toBeUndefined();
      const log = page.body.data!.syncJob.log;
      expect(log.totalCount).toBe(Number(stored));
      for (const { node } of log.edges) {
        expect(node.job.id).toBe(jobId);
        seen.push(Number(Buffer.from(node.id, 'base64').toString().split(':')[1]));
      }
      after = log.pageInfo.hasNextPage ? log.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(Number(stored));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));

    const inserts = await storeRows<{ n: number }>(
      "select count(*) as n from sync_log_entry where job_id = ? and action = 'INSERT'",
      [job!.id],
    );
    const narrowed = await gql<Log>(api, api.keys.VIEWER, query, { id: jobId, actions: ['INSERT'] });
    expect(narrowed.body.data!.syncJob.log.totalCount).toBe(Number(inserts[0]!.n));
    expect(narrowed.body.data!.syncJob.log.edges.every((e) => e.node.action === 'INSERT')).toBe(true);
  });

  it('counts finished jobs per bucket by status, and refuses a window it cannot chart', async () => {
    type Outcomes = {
      syncJobOutcomes: { start: string; end: string; succeeded: number; partial: number; failed: number }[];
    };
    const res = await gql<Outcomes>(
      api,
      api.keys.VIEWER,
      '{ syncJobOutcomes(hours: 6, bucketMinutes: 30) { start end succeeded partial failed cancelled } }',
    );
    expect(res.body.errors).toBeUndefined();
    const buckets = res.body.data!.syncJobOutcomes;
    expect(buckets).toHaveLength(12);
    expect(Date.parse(buckets[1]!.start) - Date.parse(buckets[0]!.start)).toBe(30 * 60_000);
    const stored = await storeRows<{ status: string; n: number }>(
      'select status, count(*) as n from sync_job where finished_at is not null group by status',
    );
    const count = (status: string) => Number(stored.find((row) => row.status === status)?.n ?? 0);
    const total = (key: 'succeeded' | 'partial' | 'failed') => buckets.reduce((sum, b) => sum + b[key], 0);
    expect(total('succeeded') + total('partial') + total('failed')).toBe(2);
    expect(total('succeeded')).toBe(count('SUCCEEDED'));
    expect(total('partial')).toBe(count('PARTIAL'));

    for (const args of ['hours: 0', 'hours: 721', 'bucketMinutes: 0', 'hours: 720, bucketMinutes: 1']) {
      const refused = await gql(api, api.keys.VIEWER, `{ syncJobOutcomes(${args}) { start } }`);
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    }
  });
});
