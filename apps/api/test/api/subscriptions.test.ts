import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiServer, startApiServer } from '../../src/server.js';
import { gql, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
let server: ApiServer;

beforeAll(async () => {
  api = await startTestApi();
  server = await startApiServer(api.yoga, api.services, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
  await api.close();
});

const JOB_CHANGED = `subscription($m: ID) { syncJobChanged(mappingId: $m) { id status processed inserted mapping { name } } }`;
type JobEvent = { id: string; status: string; processed: number; inserted: number; mapping: { name: string } };
const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'];

/** Collects events from an async iterator until `done` says so (or the timeout). */
async function collect<T>(
  iterator: AsyncIterableIterator<T>,
  done: (items: T[]) => boolean,
  ms = 20_000,
): Promise<T[]> {
  const items: T[] = [];
  const timer = setTimeout(() => iterator.return?.(), ms);
  for await (const item of iterator) {
    items.push(item);
    if (done(items)) break;
  }
  clearTimeout(timer);
  return items;
}

async function runSyncOverHttp(mapping: string) {
  const res = await gql(
    api,
    api.keys.OPERATOR,
    'mutation($m: ID!) { runSync(mappingId: $m, full: true) { __typename } }',
    {
      m: mapping,
    },
  );
  expect(res.body.data).toEqual({ runSync: { __typename: 'RunSyncPayload' } });
}

function wsClient(key: string | null) {
  return createWsClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

describe('subscriptions over a real port', () => {
  it('graphql-ws: a job run produces RUNNING, progress and a final status', async () => {
    const client = wsClient(api.keys.VIEWER);
    const mapping = String(api.mappings.customers);
    const iterator = client.iterate<{ syncJobChanged: JobEvent }>({ query: JOB_CHANGED, variables: { m: mapping } });
    const events = collect(iterator, (items) => FINAL.includes(items.at(-1)!.data!.syncJobChanged.status));
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the subscription reach the server
    await runSyncOverHttp(mapping);
    const jobs = (await events).map((event) => event.data!.syncJobChanged);
    await client.dispose();
    const statuses = jobs.map((job) => job.status);
    expect(statuses).toContain('RUNNING');
    // Progress: a RUNNING event that already counts records read.
    expect(jobs.some((job) => job.status === 'RUNNING' && job.processed > 0)).toBe(true);
    expect(FINAL).toContain(statuses.at(-1));
    expect(jobs.at(-1)!.processed).toBeGreaterThan(0);
    expect(jobs.every((job) => job.mapping.name === 'customers')).toBe(true);
  });

  it('graphql-ws: a connection without a valid key is refused before any subscription', async () => {
    for (const key of [null, 'tdm_wrong']) {
      const client = wsClient(key);
      const iterator = client.iterate({ query: JOB_CHANGED });
      await expect(iterator.next()).rejects.toMatchObject({ code: 4403 });
      await client.dispose();
    }
  });

  it('graphql-sse: syncErrorsChanged delivers a fresh summary when a job opens or resolves errors', async () => {
    const client = createSseClient({
      url: `${server.url}/graphql`,
      headers: { authorization: `Bearer ${api.keys.VIEWER}` },
      retryAttempts: 0,
    });
    const mapping = String(api.mappings.items);
    const iterator = client.iterate<{
      syncErrorsChanged: { total: number; byKind: { kind: string; count: number }[] };
    }>({
      query: 'subscription($m: ID) { syncErrorsChanged(mappingId: $m) { total byKind { kind count } } }',
      variables: { m: mapping },
    });
    const events = collect(iterator, (items) => items.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runSyncOverHttp(mapping);
    const [first] = await events;
    client.dispose();
    expect(first!.data!.syncErrorsChanged.total).toBeGreaterThan(0);
    expect(first!.data!.syncErrorsChanged.byKind).toContainEqual({ kind: 'WRITE_FAILED', count: expect.any(Number) });
  });

  it('graphql-sse: tableMappingChanged delivers each saved change of the mapping, fresh, and none of others', async () => {
    const client = createSseClient({
      url: `${server.url}/graphql`,
      headers: { authorization: `Bearer ${api.keys.VIEWER}` },
      retryAttempts: 0,
    });
    const customers = String(api.mappings.customers);
    const iterator = client.iterate<{ tableMappingChanged: { name: string; scheduleSeconds: number } }>({
      query: 'subscription($id: ID) { tableMappingChanged(id: $id) { name scheduleSeconds } }',
      variables: { id: customers },
    });
    const events = collect(iterator, (items) => items.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const update = async (mapping: number | undefined, scheduleSeconds: number) => {
      const res = await gql(
        api,
        api.keys.ADMIN,
        'mutation($id: ID!, $s: Int) { updateTableMapping(id: $id, patch: { scheduleSeconds: $s }) { __typename } }',
        { id: String(mapping), s: scheduleSeconds },
      );
      expect(res.body.data).toEqual({ updateTableMapping: { __typename: 'UpdateTableMappingPayload' } });
    };
    await update(api.mappings.items, 90);
    await update(api.mappings.customers, 45);
    await update(api.mappings.customers, 60);
    const received = await events;
    client.dispose();
    expect(received.map((event) => event.data!.tableMappingChanged)).toEqual([
      { name: 'customers', scheduleSeconds: 45 },
      { name: 'customers', scheduleSeconds: 60 },
    ]);
  });

  it('graphql-sse: a stream without a key is answered 401', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: JOB_CHANGED }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('"data"');
    const client = createSseClient({ url: `${server.url}/graphql`, retryAttempts: 0 });
    await expect(client.iterate({ query: JOB_CHANGED }).next()).rejects.toBeTruthy();
    client.dispose();
  });
});
