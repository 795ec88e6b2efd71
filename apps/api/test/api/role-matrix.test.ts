import { SyncJobSchema } from '@tandem/sync-core';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.js';
import { schema } from '../../src/graphql/schema.js';
import { type ApiServer, startApiServer } from '../../src/server.js';
import { snapshotData } from './data-snapshot.js';
import { startTestApi, type TestApi } from './helpers.js';

/**
 * The role matrix, generated from the schema: every Query, Mutation and Subscription field, called by
 * every kind of caller over a real port, answers exactly as its row says — and every refusal leaves the
 * store and both apps as they were. A field that is added without a row here fails the first test.
 */
type Role = 'VIEWER' | 'OPERATOR' | 'ADMIN';
type CallerName = 'none' | 'revoked' | Role;
const CALLERS: CallerName[] = ['none', 'revoked', 'VIEWER', 'OPERATOR', 'ADMIN'];
const RANK: Record<CallerName, number> = { none: 0, revoked: 0, VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

let api: TestApi;
let server: ApiServer;
const tokens: Partial<Record<CallerName, string>> = {};
let victimKeyId = 0;

beforeAll(async () => {
  api = await startTestApi();
  server = await startApiServer(api.yoga, api.services, { port: 0, host: '127.0.0.1' });
  const em = api.runtime.store.em();
  const revoked = await createApiKey(em, 'matrix-revoked', 'ADMIN');
  await revokeApiKey(em, revoked.apiKey.id);
  tokens.revoked = revoked.key;
  tokens.VIEWER = api.keys.VIEWER;
  tokens.OPERATOR = api.keys.OPERATOR;
  tokens.ADMIN = api.keys.ADMIN;
  // What revokeApiKey acts on when it is allowed: never the keys the matrix calls with.
  victimKeyId = (await createApiKey(em, 'matrix-victim', 'VIEWER')).apiKey.id;
});
afterAll(async () => {
  await server.close();
  await api.close();
});

/** Each root field: the least role that may call it, and a call that succeeds for a caller allowed to. */
function rows(): Record<string, { role: Role; call: string }> {
  const m = String(api.mappings.customers);
  return {
    'Query.alertChannels': { role: 'VIEWER', call: '{ alertChannels { name } }' },
    'Query.alertDeliveries': { role: 'VIEWER', call: '{ alertDeliveries { totalCount } }' },
    'Query.alertRules': { role: 'VIEWER', call: '{ alertRules { totalCount } }' },
    'Query.alertStates': { role: 'VIEWER', call: '{ alertStates { totalCount } }' },
    'Query.apiKeys': { role: 'ADMIN', call: '{ apiKeys { totalCount } }' },
    'Query.coupling': { role: 'VIEWER', call: '{ coupling(id: "1") { __typename } }' },
    'Query.couplings': { role: 'VIEWER', call: '{ couplings { totalCount } }' },
    'Query.coupleCandidates': {
      role: 'VIEWER',
      call: `{ coupleCandidates(mappingId: "${m}", side: LOCAL, recordId: "1") { __typename } }`,
    },
    'Query.syncErrorActionCounts': {
      role: 'VIEWER',
      call: '{ syncErrorActionCounts(filter: {}) { __typename } }',
    },
    'Query.node': { role: 'VIEWER', call: `{ node(id: "${b64(`TableMapping:${m}`)}") { id } }` },
    'Query.recordSyncLog': {
      role: 'VIEWER',
      call: `{ recordSyncLog(mappingId: "${m}", side: LOCAL, recordId: "1") { totalCount } }`,
    },
    'Query.syncError': { role: 'VIEWER', call: '{ syncError(id: "1") { __typename } }' },
    'Query.syncErrorGroups': { role: 'VIEWER', call: '{ syncErrorGroups { totalCount } }' },
    'Query.syncErrorSummary': { role: 'VIEWER', call: '{ syncErrorSummary { total } }' },
    'Query.syncErrors': { role: 'VIEWER', call: '{ syncErrors { totalCount } }' },
    'Query.syncJob': { role: 'VIEWER', call: '{ syncJob(id: "1") { __typename } }' },
    'Query.syncJobOutcomes': { role: 'VIEWER', call: '{ syncJobOutcomes { total } }' },
    'Query.syncJobs': { role: 'VIEWER', call: '{ syncJobs { totalCount } }' },
    'Query.tableMappings': { role: 'VIEWER', call: '{ tableMappings { name } }' },
    'Query.viewer': { role: 'VIEWER', call: '{ viewer { role } }' },
    'Mutation.cancelSyncJob': { role: 'OPERATOR', call: 'mutation { cancelSyncJob(id: "1") { __typename } }' },
    // The test API configures no channel: an allowed call is refused as input (typed), never stored.
    'Mutation.createAlertRule': {
      role: 'ADMIN',
      call: 'mutation { createAlertRule(input: { name: "matrix", when: JOB_FAILED, channels: ["none"] }) { __typename } }',
    },
    'Mutation.resendAlertDelivery': { role: 'ADMIN', call: 'mutation { resendAlertDelivery(id: "1") { __typename } }' },
    'Mutation.setAlertRuleEnabled': {
      role: 'ADMIN',
      call: 'mutation { setAlertRuleEnabled(id: "1", enabled: false) { __typename } }',
    },
    'Mutation.testAlertRule': { role: 'ADMIN', call: 'mutation { testAlertRule(id: "1") { __typename } }' },
    'Mutation.updateAlertRule': {
      role: 'ADMIN',
      call: 'mutation { updateAlertRule(id: "1", input: { name: "x", when: JOB_FAILED, channels: ["none"] }) { __typename } }',
    },
    'Mutation.coupleRecords': {
      role: 'OPERATOR',
      call: `mutation { coupleRecords(mappingId: "${m}", localId: "1", integrationId: "x") { __typename } }`,
    },
    'Mutation.createApiKey': {
      role: 'ADMIN',
      call: 'mutation { createApiKey(name: "matrix", role: VIEWER) { __typename } }',
    },
    'Mutation.deleteRecords': { role: 'OPERATOR', call: 'mutation { deleteRecords(filter: {}) { __typename } }' },
    'Mutation.deleteSyncEntriesOlderThan': {
      role: 'ADMIN',
      call: 'mutation { deleteSyncEntriesOlderThan(days: 30) { __typename } }',
    },
    'Mutation.removeCouplings': { role: 'OPERATOR', call: 'mutation { removeCouplings(filter: {}) { __typename } }' },
    'Mutation.restoreRecords': { role: 'OPERATOR', call: 'mutation { restoreRecords(filter: {}) { __typename } }' },
    'Mutation.retryAllSyncErrors': { role: 'OPERATOR', call: 'mutation { retryAllSyncErrors { __typename } }' },
    'Mutation.synchronizeRecords': {
      role: 'OPERATOR',
      call: `mutation { synchronizeRecords(mappingId: "${m}", side: LOCAL, recordIds: ["1"]) { __typename } }`,
    },
    'Mutation.retrySyncErrors': { role: 'OPERATOR', call: 'mutation { retrySyncErrors(filter: {}) { __typename } }' },
    'Mutation.revokeApiKey': {
      role: 'ADMIN',
      call: `mutation { revokeApiKey(id: "${victimKeyId}") { __typename } }`,
    },
    'Mutation.runSync': { role: 'OPERATOR', call: `mutation { runSync(mappingId: "${m}") { __typename } }` },
    'Mutation.synchronizeSyncErrors': {
      role: 'OPERATOR',
      call: 'mutation { synchronizeSyncErrors(filter: {}, winner: LOCAL) { __typename } }',
    },
    'Mutation.updateTableMapping': {
      role: 'ADMIN',
      call: `mutation { updateTableMapping(id: "${m}", patch: { scheduleSeconds: 60 }) { __typename } }`,
    },
    'Subscription.alertStateChanged': { role: 'VIEWER', call: 'subscription { alertStateChanged { id } }' },
    'Subscription.syncErrorsChanged': { role: 'VIEWER', call: 'subscription { syncErrorsChanged { total } }' },
    'Subscription.syncJobChanged': { role: 'VIEWER', call: 'subscription { syncJobChanged { id } }' },
    'Subscription.tableMappingChanged': { role: 'VIEWER', call: 'subscription { tableMappingChanged { id } }' },
  };
}

/**
 * The data once no job is queued or running: an allowed `runSync` earlier in the matrix starts a job on a
 * job thread, whose writes must not be mistaken for a refused call's.
 */
async function quietSnapshot(): Promise<Record<string, string>> {
  const em = api.runtime.store.em();
  for (let i = 0; i < 200; i += 1) {
    if ((await em.count(SyncJobSchema, { status: { $in: ['QUEUED', 'RUNNING'] } })) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return snapshotData(api.dir);
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function rootFields(): string[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
    type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
  );
}

interface Outcome {
  status: number;
  refusedWith: string | null;
}

/** One POST to the real port; a refusal is a 401, a FORBIDDEN error, or a ForbiddenError result. */
async function post(token: string | undefined, query: string): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const body = (await response.json()) as {
    data?: Record<string, { __typename?: string } | null> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  const codes = (body.errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN');
  const typed = Object.values(body.data ?? {}).some((value) => value?.__typename === 'ForbiddenError');
  const refusedWith =
    codes.find((code) => code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') ?? (typed ? 'FORBIDDEN' : null);
  return { status: response.status, refusedWith };
}

describe('the role matrix', () => {
  it('has a row for every Query, Mutation and Subscription field, and no row for a field that is gone', () => {
    expect(Object.keys(rows()).sort()).toEqual(rootFields().sort());
  });

  it('over HTTP: each field answers exactly the callers its row allows; refusals change nothing', async () => {
    const table = rows();
    for (const [field, { role, call }] of Object.entries(table)) {
      if (field.startsWith('Subscription.')) continue;
      for (const caller of CALLERS) {
        const allowed = RANK[caller] >= RANK[role];
        const before = allowed ? null : await quietSnapshot();
        const outcome = await post(tokens[caller], call);
        const label = `${field} as ${caller}`;
        if (allowed) {
          expect(outcome, label).toEqual({ status: 200, refusedWith: null });
          continue;
        }
        if (caller === 'none' || caller === 'revoked')
          expect(outcome, label).toEqual({ status: 401, refusedWith: 'UNAUTHENTICATED' });
        else expect(outcome.refusedWith, label).toBe('FORBIDDEN');
        expect(snapshotData(api.dir), label).toEqual(before);
      }
    }
  });

  it('over SSE and graphql-ws: each subscription starts for exactly the callers its row allows', async () => {
    const subscriptions = Object.entries(rows()).filter(([field]) => field.startsWith('Subscription.'));
    for (const [field, { role, call }] of subscriptions) {
      for (const caller of CALLERS) {
        const allowed = RANK[caller] >= RANK[role];
        const before = await quietSnapshot();
        for (const transport of ['sse', 'ws'] as const) {
          const started = await subscriptionStarts(transport, tokens[caller], call);
          expect(started, `${field} as ${caller} over ${transport}`).toBe(allowed);
        }
        expect(snapshotData(api.dir), `${field} as ${caller}`).toEqual(before);
      }
    }
  });
});

/**
 * Whether a subscription is accepted. A refusal arrives at once — an error result, a 401, a WebSocket
 * closed with 4403 — so a subscription still open without an error after ACCEPT_WAIT_MS (or one that
 * already delivered an event) has started.
 */
const ACCEPT_WAIT_MS = 800;

async function subscriptionStarts(transport: 'sse' | 'ws', token: string | undefined, query: string): Promise<boolean> {
  const authorization = token ? `Bearer ${token}` : undefined;
  const client =
    transport === 'sse'
      ? createSseClient({
          url: `${server.url}/graphql`,
          headers: authorization ? { authorization } : {},
          retryAttempts: 0,
        })
      : createWsClient({
          url: `${server.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: authorization ? { authorization } : {},
          retryAttempts: 0,
          lazy: true,
        });
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), ACCEPT_WAIT_MS);
      const finish = (value: boolean) => {
        clearTimeout(timer);
        resolve(value);
      };
      client.subscribe(
        { query },
        {
          next: (result) => finish(!result.errors?.length),
          error: () => finish(false),
          complete: () => finish(false),
        },
      );
    });
  } finally {
    client.dispose();
  }
}
