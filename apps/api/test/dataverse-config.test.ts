import { InvalidConfigError } from '@tandem/sync-core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';

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
    expect(problem(empty)).toBe('connectors.crm.auth.clientSecret: is empty (is its ${ENV} variable set to nothing?)');
  });
});
