import { connect } from 'node:net';
import { ApiKeySchema, SyncErrorSchema } from '@tandem/sync-core';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiKey } from '../../src/auth/api-keys.js';
import { type ApiServer, startApiServer } from '../../src/server.js';
import { createApi } from '../../src/yoga.js';
import { snapshotData } from './data-snapshot.js';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

/** Tried as an attacker would, against a real port (issue: no data without a key on any path). */
let api: TestApi;
let server: ApiServer;

beforeAll(async () => {
  api = await startTestApi({ introspection: false });
  server = await startApiServer(api.yoga, api.services, { port: 0, host: '127.0.0.1' });
  await runJob(api, api.mappings.items!); // a WRITE_FAILED error that a bulk action could act on
});
afterAll(async () => {
  await server.close();
  await api.close();
});

const QUERY = '{ tableMappings { name } }';

/** Sends a request line exactly as written (fetch would normalise `//graphql` and `/a/../graphql`). */
function rawRequest(
  method: string,
  target: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const head = [
      `${method} ${target} HTTP/1.1`,
      'host: 127.0.0.1',
      'connection: close',
      'content-type: application/json',
      'x-graphql-yoga-csrf: 1',
      `content-length: ${Buffer.byteLength(body)}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ].join('\r\n');
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString('utf8');
    });
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      resolve({ status, text: response });
    });
    socket.on('error', reject);
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

describe('paths: GraphQL at exactly /graphql, a key on every request that reaches it', () => {
  const body = JSON.stringify({ query: QUERY });
  const get = `?query=${encodeURIComponent(QUERY)}`;
  const tricks: [string, string, string?][] = [
    ['POST', '/graphql/', body],
    ['POST', '//graphql', body],
    ['POST', '/x/graphql', body],
    ['POST', '/graphql/x', body],
    ['POST', '/GRAPHQL', body],
    ['POST', '/graphql;x', body],
    ['POST', '/graphql%2F', body],
    ['POST', '/%2Fgraphql', body],
    ['POST', '/%67raphql', body],
    ['POST', '/a/../graphql', body],
    ['POST', '/./graphql', body],
    ['POST', '/?a=/graphql', body],
    ['POST', '/healthz?x=/graphql', body],
    ['POST', 'http://127.0.0.1/graphql', body],
    ['POST', '/graphql', body],
    ['GET', `/graphql/${get}`],
    ['GET', `/graphql${get}`],
    ['GET', `//graphql${get}`],
    ['PUT', '/graphql', body],
    ['PATCH', '/graphql', body],
    ['DELETE', '/graphql', body],
    ['OPTIONS', '/graphql', body],
    ['HEAD', `/graphql${get}`],
  ];

  it('answers no variant with data when no key is sent', async () => {
    for (const [method, target, payload] of tricks) {
      const { status, text } = await rawRequest(method, target, payload ?? '');
      const label = `${method} ${target}`;
      expect(text, label).not.toContain('"tableMappings"');
      expect(text, label).not.toContain('customer');
      expect([200, 401, 404, 405], label).toContain(status);
      // A 200 is /healthz's own JSON or the console's page (a client route), never GraphQL.
      if (status === 200) expect(/"status":"ok"|<!doctype html>/i.test(text), label).toBe(true);
    }
  });

  it('serves GraphQL on no path but /graphql, even with a key', async () => {
    const auth = { authorization: `Bearer ${api.keys.ADMIN}` };
    for (const target of ['/graphql/', '//graphql', '/x/graphql', '/%2Fgraphql', '/?a=/graphql']) {
      const { status, text } = await rawRequest('POST', target, body, auth);
      expect(text, target).not.toContain('"tableMappings"');
      expect(status, target).toBe(404);
    }
    const { status, text } = await rawRequest('POST', '/graphql', body, auth);
    expect(status).toBe(200);
    expect(text).toContain('"tableMappings"');
  });

  it('keeps /healthz and /readyz open, and nothing else', async () => {
    expect((await rawRequest('GET', '/healthz')).status).toBe(200);
    expect((await rawRequest('GET', '/readyz')).status).toBe(200);
  });
});

describe('ids: one type, one canonical positive integer', () => {
  const id = (text: string) => Buffer.from(text).toString('base64');

  it('refuses non-canonical node ids with INVALID_INPUT and answers null for an unknown one', async () => {
    for (const raw of [
      'Coupling:1e3',
      'Coupling:0x10',
      'Coupling:010',
      'Coupling:-1',
      'Coupling:1:2',
      'Nope:1',
      'Query:1',
    ]) {
      const res = await gql(api, api.keys.ADMIN, 'query($id: ID!) { node(id: $id) { id } }', { id: id(raw) });
      expect(res.body.data?.node ?? null, raw).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code, raw).toBe('INVALID_INPUT');
    }
    const garbage = await gql(api, api.keys.ADMIN, '{ node(id: "%%%") { id } }');
    expect(garbage.body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const unknown = await gql(api, api.keys.ADMIN, 'query($id: ID!) { node(id: $id) { id } }', {
      id: id('Coupling:999999'),
    });
    expect(unknown.body).toEqual({ data: { node: null } });
  });

  it('checks the role the target type needs: an ApiKey through node() is an admin read', async () => {
    const keyId = id(
      `ApiKey:${(await api.runtime.store.em().findOneOrFail(ApiKeySchema, { name: 'test-viewer' })).id}`,
    );
    const asViewer = await gql(
      api,
      api.keys.VIEWER,
      'query($id: ID!) { node(id: $id) { id ... on ApiKey { name prefix } } }',
      { id: keyId },
    );
    expect(asViewer.body.data?.node ?? null).toBeNull();
    expect(asViewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(asViewer.body)).not.toContain('test-viewer');
    const asAdmin = await gql(api, api.keys.ADMIN, 'query($id: ID!) { node(id: $id) { ... on ApiKey { name } } }', {
      id: keyId,
    });
    expect(asAdmin.body.data).toEqual({ node: { name: 'test-viewer' } });
  });
});

describe('limits that hold with variables', () => {
  it('refuses the aliased jobs-and-logs query when its page sizes come from a variable', async () => {
    const aliases = Array.from(
      { length: 15 },
      (_, i) => `a${i}: syncJobs(first: $n) { edges { node { id log(first: $n) { edges { node { id action } } } } } }`,
    ).join(' ');
    const res = await gql(api, api.keys.VIEWER, `query($n: Int) { ${aliases} }`, { n: 200 });
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT');
    // The same with a literal, as before.
    const literal = await gql(api, api.keys.VIEWER, `{ ${aliases.replaceAll('$n', '200')} }`);
    expect(literal.body.data ?? null).toBeNull();
  });

  it('answers 429 with Retry-After once a key spends its minute, and other keys go on', async () => {
    const limited = createApi(api.services, { introspection: false, limits: { requestsPerMinutePerKey: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await gql({ yoga: limited }, api.keys.VIEWER, '{ viewer { name } }')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await limited.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.keys.VIEWER}` },
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'RATE_LIMITED',
    );
    expect((await gql({ yoga: limited }, api.keys.OPERATOR, '{ viewer { name } }')).status).toBe(200);
    limited.access.close();
  });

  it('caps the subscriptions one key may hold open', async () => {
    const limited = createApi(api.services, { limits: { subscriptionsPerKey: 2 } });
    const capped = await startApiServer(limited, api.services, { port: 0, host: '127.0.0.1' });
    const client = createWsClient({
      url: `${capped.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${api.keys.VIEWER}` },
      retryAttempts: 0,
    });
    try {
      const outcomes = await Promise.all(
        [0, 1, 2].map(
          (i) =>
            new Promise<string>((resolve) => {
              setTimeout(() => {
                const timer = setTimeout(() => resolve('open'), 800);
                client.subscribe(
                  { query: 'subscription { syncJobChanged { id } }' },
                  {
                    next: (result) => {
                      clearTimeout(timer);
                      resolve(
                        String((result.errors?.[0] as { extensions?: { code?: string } })?.extensions?.code ?? 'event'),
                      );
                    },
                    error: () => resolve('error'),
                    complete: () => {},
                  },
                );
              }, i * 100);
            }),
        ),
      );
      expect(outcomes).toEqual(['open', 'open', 'RATE_LIMITED']);
    } finally {
      await client.dispose();
      await capped.close();
    }
  });
});

describe('strings: control characters refused, nothing changed', () => {
  it('refuses a NUL in a search, a key name and a filter with INVALID_INPUT and changes nothing', async () => {
    const openBefore = await api.runtime.store.em().count(SyncErrorSchema, { status: 'OPEN' });
    expect(openBefore).toBeGreaterThan(0);
    const before = snapshotData(api.dir);
    const cases: [string, string, Record<string, unknown>][] = [
      [
        api.keys.OPERATOR,
        'mutation($s: String) { retrySyncErrors(filter: { search: $s }) { __typename } }',
        { s: '\u0000zzz' },
      ],
      [
        api.keys.OPERATOR,
        'mutation($s: String) { deleteRecords(filter: { search: $s }) { __typename } }',
        { s: 'a\u0000' },
      ],
      [api.keys.OPERATOR, 'mutation { retrySyncErrors(filter: { search: "\\u0000zzz" }) { __typename } }', {}],
      [
        api.keys.ADMIN,
        'mutation($n: String!) { createApiKey(name: $n, role: VIEWER) { __typename } }',
        { n: 'x\u0000y' },
      ],
      [
        api.keys.ADMIN,
        'mutation($n: String!) { createApiKey(name: $n, role: VIEWER) { __typename } }',
        { n: 'bell\u0007' },
      ],
      [api.keys.VIEWER, 'query($s: String) { syncErrors(filter: { search: $s }) { totalCount } }', { s: '\u001b[31m' }],
      [
        api.keys.ADMIN,
        'mutation($m: ID!, $v: JSON) { updateTableMapping(id: $m, patch: { localFilters: [{ field: "name", operator: EQ, value: $v }] }) { __typename } }',
        { m: String(api.mappings.customers), v: 'Acme\u0000' },
      ],
      [
        api.keys.ADMIN,
        `mutation { updateTableMapping(id: "${api.mappings.customers}", patch: { localFilters: [{ field: "na\\u0000me", operator: NOT_NULL }] }) { __typename } }`,
        {},
      ],
    ];
    for (const [key, query, variables] of cases) {
      const res = await gql(api, key, query, variables);
      expect(res.body.data ?? null, query).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code, query).toBe('INVALID_INPUT');
    }
    expect(snapshotData(api.dir)).toEqual(before);
    // Tabs and newlines stay allowed where text allows them.
    const newline = await gql(
      api,
      api.keys.VIEWER,
      'query($s: String) { syncErrors(filter: { search: $s }) { totalCount } }',
      { s: 'a\tb\nc' },
    );
    expect(newline.body.errors).toBeUndefined();
  });

  it('gives no "Did you mean" hint in production, also for a bad variable value', async () => {
    const res = await gql(
      api,
      api.keys.ADMIN,
      'mutation($r: ApiKeyRole!) { createApiKey(name: "p", role: $r) { __typename } }',
      { r: 'ADMINN' },
    );
    expect(res.body.errors?.[0]?.message).toMatch(/does not exist in "ApiKeyRole"/);
    expect(JSON.stringify(res.body)).not.toMatch(/Did you mean|"ADMIN"/);
    const field = await gql(api, api.keys.VIEWER, '{ syncJobs(statuss: [FAILED]) { totalCount } }');
    expect(JSON.stringify(field.body)).not.toContain('Did you mean');
  });
});

describe('revocation and expiry bite within 2 s', () => {
  async function freshKey(name: string, role: 'VIEWER' | 'OPERATOR', expiresAt: number | null = null) {
    return createApiKey(api.runtime.store.em(), name, role, expiresAt);
  }

  /** A graphql-ws client of a key, recording the close codes it sees. */
  function wsClientOf(key: string) {
    const closes: number[] = [];
    const client = createWsClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    return { client, closes };
  }

  /** Subscribes to job changes; resolves with the time the stream ended (error or complete). */
  function streamEnd(client: Pick<ReturnType<typeof createSseClient>, 'subscribe'>): Promise<number> {
    return new Promise<number>((resolve) => {
      client.subscribe(
        { query: 'subscription { syncJobChanged { id } }' },
        { next: () => {}, error: () => resolve(Date.now()), complete: () => resolve(Date.now()) },
      );
    });
  }

  async function revokeThroughApi(keyId: number) {
    const res = await gql(api, api.keys.ADMIN, 'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }', {
      id: String(keyId),
    });
    expect(res.body.data).toEqual({ revokeApiKey: { __typename: 'RevokeApiKeyPayload' } });
  }

  it('closes an open graphql-ws connection with 4403 and runs nothing on it afterwards', async () => {
    const { key, apiKey } = await freshKey('ws-revoked', 'OPERATOR');
    const { client, closes } = wsClientOf(key);
    const first = await new Promise<unknown>((resolve, reject) =>
      client.subscribe({ query: '{ viewer { name } }' }, { next: resolve, error: reject, complete: () => {} }),
    );
    expect(first).toEqual({ data: { viewer: { name: 'ws-revoked' } } });
    const ended = streamEnd(client);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const revokedAt = Date.now();
    await revokeThroughApi(apiKey.id);
    expect((await ended) - revokedAt).toBeLessThan(2_000);
    expect(closes).toContain(4403);
    // Nothing runs for the key any more: a new operation (the client reconnects) is refused at the handshake.
    const after = await new Promise<unknown>((resolve) =>
      client.subscribe(
        { query: '{ viewer { name } }' },
        { next: resolve, error: () => resolve('refused'), complete: () => {} },
      ),
    );
    expect(after).toBe('refused');
    expect(closes.filter((code) => code === 4403).length).toBe(2);
    await client.dispose();
  });

  it('closes an SSE subscription of a key revoked in the store by someone else (another process)', async () => {
    const { key, apiKey } = await freshKey('sse-revoked', 'VIEWER');
    const client = createSseClient({
      url: `${server.url}/graphql`,
      headers: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
    const ended = streamEnd(client);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Straight in the store, as another API process or `tandem keys revoke` would: no in-process shortcut.
    const revokedAt = Date.now();
    await api.runtime.store.em().nativeUpdate(ApiKeySchema, { id: apiKey.id }, { revokedAt });
    expect((await ended) - revokedAt).toBeLessThan(2_000);
    // And an operation through a fresh request is refused.
    expect((await gql(api, key, '{ viewer { name } }')).status).toBe(401);
    client.dispose();
  });

  it('refuses a key once it expires and closes what it held open', async () => {
    const expiresAt = Date.now() + 1_000;
    const { key } = await freshKey('expiring', 'VIEWER', expiresAt);
    expect((await gql(api, key, '{ viewer { name } }')).body.data).toEqual({ viewer: { name: 'expiring' } });
    const { client, closes } = wsClientOf(key);
    const ended = streamEnd(client);
    expect((await ended) - expiresAt).toBeLessThan(2_000);
    expect(closes).toContain(4403);
    expect((await gql(api, key, '{ viewer { name } }')).status).toBe(401);
    await client.dispose();
  });

  it('takes an expiry when an admin creates a key, and refuses one in the past', async () => {
    const at = Date.now() + 86_400_000;
    const created = await gql<{ createApiKey: { apiKey: { expiresAt: string } } }>(
      api,
      api.keys.ADMIN,
      'mutation($at: DateTime) { createApiKey(name: "dated", role: VIEWER, expiresAt: $at) { ... on CreateApiKeyPayload { apiKey { expiresAt } } } }',
      { at: new Date(at).toISOString() },
    );
    expect(Date.parse(created.body.data!.createApiKey.apiKey.expiresAt)).toBe(at);
    const past = await gql(
      api,
      api.keys.ADMIN,
      'mutation { createApiKey(name: "old", role: VIEWER, expiresAt: "2020-01-01T00:00:00Z") { __typename ... on Error { code } } }',
    );
    expect(past.body.data).toEqual({ createApiKey: { __typename: 'InvalidInputError', code: 'INVALID_INPUT' } });
    expect(await api.runtime.store.em().count(ApiKeySchema, { name: 'old' })).toBe(0);
  });
});
