import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenRequestError, TokenSource } from '../../../src/connectors/dataverse/token-source.js';

/** A token endpoint on loopback that answers client credentials as Entra ID does. */
async function tokenEndpoint(answer: (form: URLSearchParams) => { status: number; body: unknown }) {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(text);
      requests.push(form);
      const { status, body } = answer(form);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant/oauth2/v2.0/token`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('token source (OAuth2 client credentials)', () => {
  it('asks once and keeps the token until shortly before it expires', async () => {
    let issued = 0;
    const endpoint = await tokenEndpoint(() => ({
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3600, access_token: `token-${++issued}` },
    }));
    closers.push(endpoint.close);
    let now = 0;
    const tokens = new TokenSource(
      { tokenUrl: endpoint.url, clientId: 'tandem', clientSecret: 's3cret', scope: 'https://crm.test/.default' },
      () => now,
    );
    const [a, b] = await Promise.all([tokens.token(), tokens.token()]);
    expect([a, b]).toEqual(['token-1', 'token-1']);
    expect(Object.fromEntries(endpoint.requests[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'tandem',
      client_secret: 's3cret',
      scope: 'https://crm.test/.default',
    });
    now = 3_500_000;
    expect(await tokens.token()).toBe('token-1');
    now = 3_545_000;
    expect(await tokens.token()).toBe('token-2');
    tokens.invalidate('token-1');
    expect(await tokens.token()).toBe('token-2');
    tokens.invalidate('token-2');
    expect(await tokens.token()).toBe('token-3');
    expect(endpoint.requests).toHaveLength(3);
  });

  it('says why a client was refused, naming it but never its secret', async () => {
    const endpoint = await tokenEndpoint(() => ({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1',
      },
    }));
    closers.push(endpoint.close);
    const tokens = new TokenSource({
      tokenUrl: endpoint.url,
      clientId: 'tandem',
      clientSecret: 'wrong-secret',
      scope: 's',
    });
    const failure = await tokens.token().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenRequestError);
    expect((failure as TokenRequestError).transient).toBe(false);
    expect((failure as Error).message).toContain(
      'refused client "tandem" (401): AADSTS7000215: Invalid client secret provided.',
    );
    expect((failure as Error).message).not.toContain('wrong-secret');
  });

  it('reports an unreachable endpoint as transient', async () => {
    const endpoint = await tokenEndpoint(() => ({ status: 200, body: {} }));
    await endpoint.close();
    const tokens = new TokenSource({ tokenUrl: endpoint.url, clientId: 'c', clientSecret: 's', scope: 's' });
    await expect(tokens.token()).rejects.toMatchObject({
      transient: true,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
