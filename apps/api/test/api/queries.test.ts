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
