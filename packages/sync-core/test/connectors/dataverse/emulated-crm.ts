import { type RunningEmulator, startDataverseEmulator } from '@tandem/dataverse-emulator';
import type { DataverseConnectorSpec } from '../../../src/connectors/dataverse/index.js';

/**
 * A real Dataverse emulator (packages/dataverse-emulator: an HTTP server over SQLite) with a `customers`
 * table shaped like the conformance suite's and the demo's: a required name of at most 100 characters,
 * an e-mail, a whole-number score, and `erp_id` as an alternate key (the external key an upsert uses).
 */
export const CUSTOMERS = {
  name: 'customers',
  key: 'customerid',
  logicalName: 'customer',
  columns: [
    { name: 'name', type: 'string', maxLength: 100, required: true },
    { name: 'email', type: 'string', maxLength: 200 },
    { name: 'score', type: 'int' },
    { name: 'erp_id', type: 'string', maxLength: 40 },
  ],
  alternateKeys: [['erp_id']],
} as const;

export type EmulatorStart = Parameters<typeof startDataverseEmulator>[0];

export async function startCrm(options: Partial<EmulatorStart> = {}): Promise<RunningEmulator> {
  return startDataverseEmulator({
    schema: { entitySets: [structuredClone(CUSTOMERS) as unknown as EmulatorStart['schema']['entitySets'][number]] },
    seed: 7,
    ...options,
  });
}

/** The connector spec that reaches `crm` as its configured client. */
export function crmSpec(crm: RunningEmulator, overrides: Partial<DataverseConnectorSpec> = {}): DataverseConnectorSpec {
  return {
    type: 'dataverse',
    url: crm.url,
    auth: {
      tokenUrl: crm.tokenUrl,
      clientId: crm.client.clientId,
      clientSecret: crm.client.clientSecret,
      scope: `${crm.url}/.default`,
    },
    ...overrides,
  };
}

/** Calls the emulator's Web API directly (not through the connector), as another user of the CRM would. */
export async function crmClient(crm: RunningEmulator) {
  const response = await fetch(crm.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: crm.client.clientId,
      client_secret: crm.client.clientSecret,
      scope: `${crm.url}/.default`,
    }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const answer = await fetch(`${crm.apiUrl}/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status >= 400) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
    return answer;
  };
  return {
    /** Creates a record; returns its id. */
    async create(entitySet: string, values: Record<string, unknown>): Promise<string> {
      const answer = await call('POST', entitySet, values);
      return /\(([^)]+)\)$/.exec(answer.headers.get('OData-EntityId') ?? '')![1]!;
    },
    async update(entitySet: string, id: string, values: Record<string, unknown>): Promise<void> {
      await call('PATCH', `${entitySet}(${id})`, values);
    },
    async remove(entitySet: string, id: string): Promise<void> {
      await call('DELETE', `${entitySet}(${id})`);
    },
  };
}
