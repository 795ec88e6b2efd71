import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMappingTables, InvalidConfigError } from '@tandem/sync-core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';
import { closeConnectors, openConnectors } from '../src/runtime/open-connectors.js';

/** A config whose CRM is a Dataverse environment (DESIGN.md "Second wave: configuration added"). */
function config(crm: Record<string, unknown>) {
  return {
    connectors: {
      erp: { type: 'sql', url: 'sqlite:./erp.sqlite' },
      crm: {
        type: 'dataverse',
        url: 'https://contoso.crm4.dynamics.com',
        auth: {
          tokenUrl: 'https://login.microsoftonline.com/tenant/oauth2/v2.0/token',
          clientId: 'tandem',
          clientSecret: 'secret',
          scope: 'https://contoso.crm4.dynamics.com/.default',
        },
        ...crm,
      },
    },
  };
}

function problem(raw: unknown): string {
  try {
    parseConfig(raw, {});
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('connectors of type dataverse in the config file', () => {
  it('takes the documented keys, with apiVersion, batchSize and maxWaitSeconds defaulted', () => {
    const parsed = parseConfig(config({}), {});
    expect(parsed.connectors.crm).toEqual({
      type: 'dataverse',
      url: 'https://contoso.crm4.dynamics.com',
      apiVersion: 'v9.2',
      auth: {
        tokenUrl: 'https://login.microsoftonline.com/tenant/oauth2/v2.0/token',
        clientId: 'tandem',
        clientSecret: 'secret',
        scope: 'https://contoso.crm4.dynamics.com/.default',
      },
      batchSize: 100,
      maxWaitSeconds: 300,
    });
    expect(
      parseConfig(config({ batchSize: 1000, apiVersion: 'v9.1', maxWaitSeconds: 30 }), {}).connectors.crm,
    ).toMatchObject({
      batchSize: 1000,
      apiVersion: 'v9.1',
      maxWaitSeconds: 30,
    });
  });

  it('refuses a mistake naming its path', () => {
    expect(problem(config({ batchSize: 1001 }))).toMatch(/^connectors\.crm\.batchSize: /);
    expect(problem(config({ url: 'contoso.crm4.dynamics.com' }))).toBe(
      'connectors.crm.url: must be an http:// or https:// URL',
    );
    expect(problem(config({ batchsize: 10 }))).toBe('connectors.crm.batchsize: is not a known setting');
    const noSecret = config({});
    // biome-ignore lint/suspicious/noExplicitAny: the test removes a required key
    delete (noSecret.connectors.crm as any).auth.clientSecret;
    expect(problem(noSecret)).toMatch(/^connectors\.crm\.auth\.clientSecret: /);
    expect(problem(config({ type: 'odata' }))).toMatch(/^connectors\.crm\.type: /);
  });

  it('says so when the secret variable is set to nothing', () => {
    const empty = config({});
    // biome-ignore lint/suspicious/noExplicitAny: the test empties a value
    (empty.connectors.crm as any).auth.clientSecret = '';
    expect(problem(empty)).toBe(
      'connectors.crm.auth.clientSecret: is empty (is its environment variable set to nothing?)',
    );
  });
});

describe('opening dataverse connectors, as start and check-config do', () => {
  /** A token endpoint and Web API on loopback: accepts only `secret`, knows only the entity set `accounts`. */
  async function crmServer() {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url === '/token') {
          if (new URLSearchParams(body).get('client_secret') !== 'secret') {
            return send(401, {
              error: 'invalid_client',
              error_description: 'AADSTS7000215: Invalid client secret provided.',
            });
          }
          return send(200, { access_token: 'token', expires_in: 3600 });
        }
        if (req.url?.endsWith('/WhoAmI')) return send(200, { UserId: 'u' });
        if (req.url?.includes('EntityDefinitions')) {
          const known = decodeURIComponent(req.url).includes("EntitySetName eq 'accounts'");
          return send(200, {
            value: known
              ? [
                  {
                    EntitySetName: 'accounts',
                    PrimaryIdAttribute: 'accountid',
                    Attributes: ['accountid', 'name', 'modifiedon', 'erp_id'].map((LogicalName) => ({ LogicalName })),
                  },
                ]
              : [],
          });
        }
        send(404, { error: { code: '0x0', message: 'not here' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  const crm = (url: string, clientSecret: string) =>
    parseConfig(
      config({ url, auth: { tokenUrl: `${url}/token`, clientId: 'tandem', clientSecret, scope: `${url}/.default` } }),
      {},
    ).connectors;

  it('names the secret for refused credentials and the URL for an unreachable environment, never the secret', async () => {
    const server = await crmServer();
    try {
      const wrong = await openConnectors({ crm: crm(server.url, 'not-it').crm! }, { verify: true });
      expect(wrong.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(
          /^connectors\.crm\.auth\.clientSecret: the token endpoint .* refused client "tandem" \(401\): AADSTS7000215/,
        ),
      ]);
      expect(wrong.problems[0]!.message).not.toContain('not-it');
      const right = await openConnectors({ crm: crm(server.url, 'secret').crm! }, { verify: true });
      expect(right.problems).toEqual([]);
      await closeConnectors(right.connectors);
    } finally {
      await server.close();
    }
    const gone = await openConnectors({ crm: crm(server.url, 'secret').crm! }, { verify: true });
    expect(gone.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^connectors\.crm\.auth\.tokenUrl: cannot reach/),
    ]);
  });

  it('names an entity set or column the environment does not have by its mapping key', async () => {
    const server = await crmServer();
    try {
      const { connectors } = await openConnectors({ crm: crm(server.url, 'secret').crm! }, { verify: true });
      const problems = await checkMappingTables(connectors, [
        {
          local: { connector: 'crm', table: 'acounts', id: 'accountid', modifiedOn: 'modifiedon' },
          integration: {
            connector: 'crm',
            table: 'accounts',
            id: 'accountid',
            modifiedOn: 'modifiedon',
            externalKey: 'erp_id',
          },
          fields: [{ local: 'name', integration: 'nmae' }],
        },
      ]);
      expect(problems.map((p) => p.message)).toEqual([
        'mappings[0].local.table: table "acounts" does not exist on connector crm',
        'mappings[0].fields[0].integration: column "nmae" does not exist in table accounts',
      ]);
      await closeConnectors(connectors);
    } finally {
      await server.close();
    }
  });
});
