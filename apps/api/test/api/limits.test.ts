import { SyncErrorSchema, SyncJobSchema, TableMappingSchema } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ introspection: false });
  await runJob(api, api.mappings.items!); // one WRITE_FAILED error to act on
});
afterAll(() => api.close());

async function snapshot() {
  const em = api.runtime.store.em();
  return {
    jobs: await em.count(SyncJobSchema, {}),
    errors: (await em.find(SyncErrorSchema, {}, { orderBy: { id: 'asc' } })).map((e) => [e.id, e.status]),
    mappings: (await em.find(TableMappingSchema, {}, { orderBy: { id: 'asc' } })).map((m) => JSON.stringify(m)),
  };
}

describe('bad input: typed errors, nothing changed', () => {
  it('answers bad ids, unknown ids, both/neither selections and oversized id lists with typed errors', async () => {
    const before = await snapshot();
    const cases: [string, Record<string, unknown>, string][] = [
      ['mutation($m: ID!) { runSync(mappingId: $m) { __typename } }', { m: 'not-an-id' }, 'InvalidIdError'],
      ['mutation($m: ID!) { runSync(mappingId: $m) { __typename } }', { m: '999999' }, 'NotFoundError'],
      // A SyncJob id where a TableMapping id belongs.
      [
        'mutation($m: ID!) { runSync(mappingId: $m) { __typename } }',
        { m: Buffer.from('SyncJob:1').toString('base64') },
        'InvalidIdError',
      ],
      ['mutation { cancelSyncJob(id: "424242") { __typename } }', {}, 'NotFoundError'],
      ['mutation { removeCouplings(ids: ["1"], filter: {}) { __typename } }', {}, 'InvalidInputError'],
      ['mutation { removeCouplings { __typename } }', {}, 'InvalidInputError'],
      [
        'mutation($ids: [ID!]) { removeCouplings(ids: $ids) { __typename } }',
        { ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) },
        'InvalidInputError',
      ],
      ['mutation { deleteRecords(ids: ["x"]) { __typename } }', {}, 'InvalidIdError'],
      ['mutation { deleteSyncEntriesOlderThan(days: 0) { __typename } }', {}, 'InvalidInputError'],
      [
        'mutation($m: ID!) { updateTableMapping(id: $m, patch: { fields: [{ local: "a", integration: "b", transform: "nope" }] }) { __typename } }',
        { m: String(api.mappings.items) },
        'InvalidMappingError',
      ],
    ];
    for (const [query, variables, typename] of cases) {
      const res = await gql(api, api.keys.ADMIN, query, variables);
      expect(res.body.errors, query).toBeUndefined();
      expect(Object.values(res.body.data as Record<string, { __typename: string }>)[0]!.__typename, query).toBe(
        typename,
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses wrong enum values and bad ids in list queries with a code, and nothing else', async () => {
    const wrongEnum = await gql(api, api.keys.ADMIN, '{ syncJobs(statuses: [DONE]) { totalCount } }');
    expect(wrongEnum.status).toBe(400);
    expect(wrongEnum.body.data).toBeUndefined();
    const badFilter = await gql(api, api.keys.ADMIN, '{ syncErrors(filter: { mappingId: "zzz" }) { totalCount } }');
    expect(badFilter.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const badCursor = await gql(api, api.keys.ADMIN, '{ syncErrors(after: "bm9wZQ") { totalCount } }');
    expect(badCursor.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const negative = await gql(api, api.keys.ADMIN, '{ syncErrors(first: -1) { totalCount } }');
    expect(negative.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    // A huge page is refused by the cost limit (armor multiplies by `first`) before it runs.
    const huge = await gql(api, api.keys.ADMIN, '{ syncErrors(first: 100000) { totalCount } }');
    expect(huge.body.errors?.[0]?.message).toMatch(/Cost limit/);
  });

  it('acts per item on a valid selection, naming why an item was refused', async () => {
    const errors = await gql<{ syncErrors: { edges: { node: { id: string; kind: string } }[] } }>(
      api,
      api.keys.VIEWER,
      '{ syncErrors(filter: { statuses: [OPEN] }) { edges { node { id kind } } } }',
    );
    const failed = errors.body.data!.syncErrors.edges.find((e) => e.node.kind === 'WRITE_FAILED')!.node;
    const res = await gql(
      api,
      api.keys.OPERATOR,
      'mutation($ids: [ID!]) { restoreRecords(ids: $ids) { ... on SyncErrorActionResult { requested succeeded failed failures { errorId code error { id kind } } } } }',
      { ids: [failed.id] },
    );
    expect(res.body.data).toEqual({
      restoreRecords: {
        requested: 1,
        succeeded: 0,
        failed: 1,
        // The failure names its error, so that a caller acting on a filter can say which record it was.
        failures: [
          { errorId: failed.id, code: 'ACTION_NOT_APPLICABLE', error: { id: failed.id, kind: 'WRITE_FAILED' } },
        ],
      },
    });
  });
});

describe('abusive queries', () => {
  it('refuses deep, aliased, long and introspection queries before running them', async () => {
    const deep = `{ syncErrors { edges { node { job { errors { edges { node { job { errors { edges { node { job { errors { totalCount } } } } } } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { name }`).join(' ')} }`;
    const tokens = `{ viewer { ${'name '.repeat(2100)} } }`;
    for (const query of [deep, aliases, tokens, '{ __schema { types { name } } }']) {
      const res = await gql(api, api.keys.ADMIN, query);
      expect(res.body.data ?? null, query.slice(0, 40)).toBeNull();
      expect(res.body.errors?.length, query.slice(0, 40)).toBeGreaterThan(0);
    }
  });

  it('gives no "Did you mean" hints about the schema while introspection is off', async () => {
    const res = await gql(api, api.keys.ADMIN, '{ syncError { id } syncErorrs { totalCount } }');
    const messages = (res.body.errors ?? []).map((e: { message: string }) => e.message);
    expect(messages).toContain('Cannot query field "syncErorrs" on type "Query".');
    expect(messages.join(' ')).not.toContain('Did you mean');
  });

  it('refuses batched requests and bodies over the size limit', async () => {
    const batch = await api.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.keys.ADMIN}` },
      body: JSON.stringify([{ query: '{ viewer { name } }' }, { query: '{ viewer { name } }' }]),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    const big = await api.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.keys.ADMIN}` },
      body: JSON.stringify({ query: '{ viewer { name } }', variables: { pad: 'x'.repeat(200_000) } }),
    });
    expect(big.status).toBe(413);
  });

  it('masks unexpected errors and keeps expected ones with their code', async () => {
    const res = await gql(
      api,
      api.keys.ADMIN,
      '{ syncJob(id: "1") { __typename } syncError(id: "nope") { __typename ... on Error { code } } }',
    );
    expect(res.body.data).toMatchObject({ syncError: { __typename: 'InvalidIdError', code: 'INVALID_INPUT' } });
  });
});
