import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendEarly, takeEarlyResponse } from '../../src/graphql/early-requests';

/**
 * The hand-over of the errors page's first paint: a query sent before the app has loaded is answered once,
 * to the app's request for the same operation, query, variables and key; anything else asks the API itself.
 * Against a real HTTP server on loopback that counts what it is asked.
 */
describe('early GraphQL requests handed over to the app', () => {
  let server: Server;
  let url: string;
  const received: { authorization: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { answer: received.length } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    // The module keeps its answers on `window`, as in the browser.
    (globalThis as { window?: unknown }).window = globalThis;
  });

  afterAll(async () => {
    delete (globalThis as { window?: unknown }).window;
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
    window.__tandemEarlyRequests?.clear();
  });

  const QUERY = 'query SyncErrors($filter: SyncErrorFilter, $first: Int) { syncErrors { __typename } }';
  /** What urql's fetch gets: its own JSON body (variables with sorted keys) and headers. */
  const appRequest = (variables: Record<string, unknown>, key = 'Bearer k1', query = QUERY): RequestInit => ({
    method: 'POST',
    headers: { accept: 'application/graphql-response+json', 'content-type': 'application/json', authorization: key },
    body: JSON.stringify({ operationName: 'SyncErrors', query, variables }),
  });

  it("answers the app's same question once, with the early answer, whatever the order of the variables' keys", async () => {
    const early = sendEarly(url, 'Bearer k1', {
      operationName: 'SyncErrors',
      query: QUERY,
      variables: { filter: { statuses: ['OPEN'], kinds: ['WRITE_FAILED'] }, first: 50, after: undefined },
    });
    const taken = takeEarlyResponse(
      appRequest({ after: null, filter: { kinds: ['WRITE_FAILED'], statuses: ['OPEN'] }, first: 50 }),
    );
    // `after: undefined` is left out of JSON, `after: null` is not: the two are not the same question.
    expect(taken).toBeUndefined();

    const same = takeEarlyResponse(appRequest({ filter: { kinds: ['WRITE_FAILED'], statuses: ['OPEN'] }, first: 50 }));
    expect(same).toBe(early);
    expect(await (await same!).json()).toEqual({ data: { answer: 1 } });
    expect(received).toHaveLength(1);
    expect(received[0]!.authorization).toBe('Bearer k1');
    expect(JSON.parse(received[0]!.body)).toMatchObject({ operationName: 'SyncErrors', query: QUERY });
    // Once only: asked again, the app sends its own request.
    expect(
      takeEarlyResponse(appRequest({ filter: { kinds: ['WRITE_FAILED'], statuses: ['OPEN'] }, first: 50 })),
    ).toBeUndefined();
  });

  it('never hands an answer to another key, another query text or other variables', async () => {
    await sendEarly(url, 'Bearer k1', { operationName: 'SyncErrors', query: QUERY, variables: { first: 50 } });
    expect(takeEarlyResponse(appRequest({ first: 50 }, 'Bearer k2'))).toBeUndefined();
    expect(takeEarlyResponse(appRequest({ first: 50 }, 'Bearer k1', `${QUERY} `))).toBeUndefined();
    expect(takeEarlyResponse(appRequest({ first: 20 }))).toBeUndefined();
    expect(
      takeEarlyResponse({ method: 'POST', body: 'not json', headers: { authorization: 'Bearer k1' } }),
    ).toBeUndefined();
    // Still there for the right request.
    expect(takeEarlyResponse(appRequest({ first: 50 }))).toBeDefined();
    expect(received).toHaveLength(1);
  });
});
