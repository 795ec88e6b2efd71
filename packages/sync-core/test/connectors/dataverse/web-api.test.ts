import { afterEach, describe, expect, it } from 'vitest';
import { RequestPacer, WaitBudget } from '../../../src/connectors/dataverse/request-pacer.js';
import { TokenSource } from '../../../src/connectors/dataverse/token-source.js';
import { DataverseRequestError, DataverseWebApi } from '../../../src/connectors/dataverse/web-api.js';
import { type Answer, json, scriptedServer } from './scripted-server.js';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

async function apiOn(answer: Answer) {
  const server = await scriptedServer(answer);
  close = server.close;
  const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: 'c', clientSecret: 's', scope: 'x' });
  const pacer = new RequestPacer({ backoffBaseMs: 10, backoffCapMs: 40 });
  const api = new DataverseWebApi(`${server.url}/api/data/v9.2`, tokens, pacer);
  const budget = new WaitBudget(60_000, 'the CRM');
  const waits: string[] = [];
  budget.onWait((w) => waits.push(w.message));
  return { server, api, budget, waits };
}

describe('Dataverse Web API client', () => {
  it('sends the bearer token and OData headers, and parses the JSON answer', async () => {
    const { server, api, budget } = await apiOn((_req, res) => json(res, 200, { UserId: 'u' }));
    expect(await api.json(budget, { method: 'GET', url: 'WhoAmI' })).toEqual({ UserId: 'u' });
    expect(server.seen[0]).toMatchObject({
      method: 'GET',
      url: '/api/data/v9.2/WhoAmI',
      headers: { authorization: 'Bearer token-1', 'odata-version': '4.0', 'odata-maxversion': '4.0' },
    });
  });

  it('gets a new token once after a 401, and gives up on a second 401', async () => {
    let refusals = 1;
    const { server, api, budget } = await apiOn((req, res) => {
      if (req.url.endsWith('/ok') && refusals-- > 0) return json(res, 401, { error: { code: '', message: 'expired' } });
      if (req.url.endsWith('/never')) return json(res, 401, { error: { code: '0x80090', message: 'not allowed' } });
      json(res, 200, { fine: true });
    });
    expect(await api.json(budget, { method: 'GET', url: 'ok' })).toEqual({ fine: true });
    expect(server.seen.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    const failure = await api.json(budget, { method: 'GET', url: 'never' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DataverseRequestError);
    expect(failure).toMatchObject({
      status: 401,
      dataverseCode: '0x80090',
      message: 'GET never failed with 401 0x80090: not allowed',
    });
    expect(server.tokensIssued()).toBe(3);
  });

  it('honours 429 Retry-After, announces the wait, and then gets the answer', async () => {
    let throttled = 2;
    const { server, api, budget, waits } = await apiOn((_req, res) => {
      if (throttled-- > 0) {
        return json(
          res,
          429,
          { error: { code: '0x80072322', message: 'Number of requests exceeded the limit' } },
          {
            'Retry-After': '0.05',
          },
        );
      }
      json(res, 200, { value: [] });
    });
    expect(await api.json(budget, { method: 'GET', url: 'accounts' })).toEqual({ value: [] });
    expect(server.seen).toHaveLength(3);
    expect(waits[0]).toBe('the CRM asked to wait 50 ms (429 Too Many Requests on GET accounts)');
    expect(budget.totalWaitMs).toBeGreaterThanOrEqual(100);
  });

  it('backs off through 503s and dropped connections, then gets the answer', async () => {
    let faults = 0;
    const { server, api, budget, waits } = await apiOn((_req, res) => {
      faults++;
      if (faults === 1) return json(res, 503, { error: { code: '', message: 'busy' } });
      if (faults === 2) return res.socket?.destroy();
      json(res, 200, { value: [1] });
    });
    expect(await api.json(budget, { method: 'GET', url: 'accounts' })).toEqual({ value: [1] });
    expect(server.seen).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toMatch(/^the CRM answered with a server error: waiting \d+ ms \(503 on GET accounts\)$/);
    expect(waits[1]).toMatch(/^the CRM dropped the connection: waiting \d+ ms/);
  });

  it("maps Dataverse's error JSON to a DataverseRequestError with status, code and message", async () => {
    const { api, budget } = await apiOn((_req, res) =>
      json(res, 404, { error: { code: '0x80060888', message: "Resource not found for the segment 'acounts'." } }),
    );
    await expect(api.json(budget, { method: 'GET', url: 'acounts' })).rejects.toMatchObject({
      status: 404,
      dataverseCode: '0x80060888',
      dataverseMessage: "Resource not found for the segment 'acounts'.",
    });
  });
});
