import { startDataverseEmulator } from '@tandem/dataverse-emulator';
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
  /** The Dataverse emulator on loopback: one client (its secret below), one entity set, `accounts`. */
  async function crmServer() {
    const emulator = await startDataverseEmulator({
      schema: {
        entitySets: [
          {
            name: 'accounts',
            key: 'accountid',
            columns: [
              { name: 'name', type: 'string', maxLength: 100, required: true },
              { name: 'erp_id', type: 'string', maxLength: 20 },
            ],
            alternateKeys: [['erp_id']],
          },
        ],
      },
    });
    return {
      url: emulator.url,
      tokenUrl: emulator.tokenUrl,
      secret: emulator.client.clientSecret,
      close: () => emulator.close(),
    };
  }

  const crm = (server: { url: string; tokenUrl: string }, clientSecret: string) =>
    parseConfig(
      config({
        url: server.url,
        auth: { tokenUrl: server.tokenUrl, clientId: 'tandem-emulator', clientSecret, scope: `${server.url}/.default` },
      }),
      {},
    ).connectors;

  it('names the secret for refused credentials and the URL for an unreachable environment, never the secret', async () => {
    const server = await crmServer();
    try {
      const wrong = await openConnectors({ crm: crm(server, 'not-it').crm! }, { verify: true });
      expect(wrong.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(
          /^connectors\.crm\.auth\.clientSecret: the token endpoint .* refused client "tandem-emulator" \(401\): .*invalid/i,
        ),
      ]);
      expect(wrong.problems[0]!.message).not.toContain('not-it');
      const right = await openConnectors({ crm: crm(server, server.secret).crm! }, { verify: true });
      expect(right.problems).toEqual([]);
      await closeConnectors(right.connectors);
    } finally {
      await server.close();
    }
    const gone = await openConnectors({ crm: crm(server, server.secret).crm! }, { verify: true });
    expect(gone.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^connectors\.crm\.auth\.tokenUrl: cannot reach/),
    ]);
  });

  it('names an entity set or column the environment does not have by its mapping key', async () => {
    const server = await crmServer();
    try {
      const { connectors } = await openConnectors({ crm: crm(server, server.secret).crm! }, { verify: true });
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
