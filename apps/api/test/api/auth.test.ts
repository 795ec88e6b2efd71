import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiKeySchema, SyncJobSchema } from '@tandem/sync-core';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminKey } from '../../src/auth/api-keys.js';
import { gql, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** One call per mutation of the schema, with arguments that would succeed for a caller allowed to make it. */
function mutationCalls(): Record<string, string> {
  const mapping = String(api.mappings.customers);
  return {
    runSync: `runSync(mappingId: "${mapping}") { __typename }`,
    cancelSyncJob: 'cancelSyncJob(id: "1") { __typename }',
    updateTableMapping: `updateTableMapping(id: "${mapping}", patch: { scheduleSeconds: 60 }) { __typename }`,
    createApiKey: 'createApiKey(name: "x", role: VIEWER) { __typename }',
    revokeApiKey: 'revokeApiKey(id: "1") { __typename }',
    retrySyncErrors: 'retrySyncErrors(filter: {}) { __typename }',
    retryAllSyncErrors: 'retryAllSyncErrors { __typename }',
    synchronizeSyncErrors: 'synchronizeSyncErrors(filter: {}, winner: LOCAL) { __typename }',
    restoreRecords: 'restoreRecords(filter: {}) { __typename }',
    deleteRecords: 'deleteRecords(filter: {}) { __typename }',
    removeCouplings: 'removeCouplings(filter: {}) { __typename }',
    deleteSyncEntriesOlderThan: 'deleteSyncEntriesOlderThan(days: 30) { __typename }',
    coupleRecords: `coupleRecords(mappingId: "${mapping}", localId: "1", integrationId: "x") { __typename }`,
    synchronizeRecords: `synchronizeRecords(mappingId: "${mapping}", side: LOCAL, recordIds: ["1"]) { __typename }`,
    createAlertRule: 'createAlertRule(input: { name: "x", when: JOB_FAILED, channels: ["none"] }) { __typename }',
    updateAlertRule:
      'updateAlertRule(id: "1", input: { name: "x", when: JOB_FAILED, channels: ["none"] }) { __typename }',
    setAlertRuleEnabled: 'setAlertRuleEnabled(id: "1", enabled: false) { __typename }',
    testAlertRule: 'testAlertRule(id: "1") { __typename }',
    resendAlertDelivery: 'resendAlertDelivery(id: "1") { __typename }',
  };
}

const ADMIN_ONLY = [
  'updateTableMapping',
  'createApiKey',
  'revokeApiKey',
  'deleteSyncEntriesOlderThan',
  'createAlertRule',
  'updateAlertRule',
  'setAlertRuleEnabled',
  'testAlertRule',
  'resendAlertDelivery',
];

describe('authentication', () => {
  it('answers 401 with no data without a key, with an unknown key, and with a revoked key', async () => {
    const { key } = await (await import('../../src/auth/api-keys.js')).createApiKey(
      api.runtime.store.em(),
      'gone',
      'ADMIN',
    );
    const em = api.runtime.store.em();
    await em.nativeUpdate(ApiKeySchema, { name: 'gone' }, { revokedAt: Date.now() });
    for (const token of [null, 'tdm_not-a-key', 'garbage', key]) {
      const res = await gql(api, token, '{ tableMappings { name } }');
      expect(res.status).toBe(401);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('stores only a hash and a prefix of a key, and shows the key once', async () => {
    const res = await gql<{ createApiKey: { key: string; apiKey: { prefix: string; role: string } } }>(
      api,
      api.keys.ADMIN,
      'mutation { createApiKey(name: "ci", role: OPERATOR) { ... on CreateApiKeyPayload { key apiKey { prefix role } } } }',
    );
    const { key, apiKey } = res.body.data!.createApiKey;
    expect(key).toMatch(/^tdm_/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const stored = await api.runtime.store.em().findOneOrFail(ApiKeySchema, { name: 'ci' });
    expect(JSON.stringify(stored)).not.toContain(key);
    const listed = await gql<{ apiKeys: { totalCount: number; edges: { node: { name: string; prefix: string } }[] } }>(
      api,
      api.keys.ADMIN,
      '{ apiKeys { totalCount edges { node { name prefix } } } }',
    );
    expect(JSON.stringify(listed.body)).not.toContain(key);
    // Newest first: the key just made leads the list.
    expect(listed.body.data!.apiKeys.edges[0]!.node).toEqual({ name: 'ci', prefix: apiKey.prefix });
    expect(listed.body.data!.apiKeys.totalCount).toBe(listed.body.data!.apiKeys.edges.length);
    expect((await gql(api, key, '{ viewer { role } }')).body.data).toEqual({ viewer: { role: 'OPERATOR' } });
  });

  it('ensureAdminKey creates a key only while no active admin key exists', async () => {
    expect(await ensureAdminKey(api.runtime.store.em())).toBeNull();
  });
});

describe('roles', () => {
  it('covers every mutation of the schema', () => {
    const schema = buildSchema(readFileSync(fileURLToPath(new URL('../../schema.graphql', import.meta.url)), 'utf8'));
    expect(Object.keys(mutationCalls()).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
  });

  it('refuses a VIEWER every mutation with a typed ForbiddenError, and nothing changes', async () => {
    const jobsBefore = await api.runtime.store.em().count(SyncJobSchema, {});
    for (const [name, call] of Object.entries(mutationCalls())) {
      const res = await gql(api, api.keys.VIEWER, `mutation { ${call} }`);
      expect(res.body.errors, name).toBeUndefined();
      expect((res.body.data as Record<string, { __typename: string }>)[name]!.__typename, name).toBe('ForbiddenError');
    }
    expect(await api.runtime.store.em().count(SyncJobSchema, {})).toBe(jobsBefore);
  });

  it('refuses an OPERATOR the admin mutations and the key list', async () => {
    for (const name of ADMIN_ONLY) {
      const res = await gql(api, api.keys.OPERATOR, `mutation { ${mutationCalls()[name]} }`);
      expect((res.body.data as Record<string, { __typename: string }>)[name]!.__typename, name).toBe('ForbiddenError');
    }
    const keys = await gql(api, api.keys.OPERATOR, '{ apiKeys { edges { node { name } } } }');
    expect(keys.body.data).toBeNull();
    expect(keys.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets an OPERATOR run a sync and an ADMIN change a mapping', async () => {
    const run = await gql(
      api,
      api.keys.OPERATOR,
      `mutation($m: ID!) { runSync(mappingId: $m) { __typename ... on RunSyncPayload { job { status requestedBy mapping { name } } } } }`,
      { m: String(api.mappings.items) },
    );
    expect(run.body.data).toMatchObject({
      runSync: { __typename: 'RunSyncPayload', job: { requestedBy: 'test-operator', mapping: { name: 'items' } } },
    });
    const update = await gql(
      api,
      api.keys.ADMIN,
      `mutation($m: ID!) { updateTableMapping(id: $m, patch: { scheduleSeconds: 0, updateConflictResolution: GET_UPDATE_FROM_INTEGRATION }) {
        __typename ... on UpdateTableMappingPayload { mapping { scheduleSeconds updateConflictResolution fields { localField } } } } }`,
      { m: String(api.mappings.items) },
    );
    expect(update.body.data).toMatchObject({
      updateTableMapping: {
        mapping: { scheduleSeconds: 0, updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION', fields: [{}, {}] },
      },
    });
  });
});
