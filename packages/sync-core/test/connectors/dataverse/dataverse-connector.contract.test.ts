import type { RunningEmulator } from '@tandem/dataverse-emulator';
import { afterAll } from 'vitest';
import { DataverseConnector } from '../../../src/connectors/dataverse/index.js';
import { connectorConformance } from '../connector.conformance.js';
import { CUSTOMERS, crmClient, crmSpec, startCrm } from './emulated-crm.js';

/**
 * The Dataverse connector through the connector-neutral contract suite, against the emulator over real HTTP
 * (the same suite the SQL connector passes). Each test starts from an empty `customers` table: the emulator
 * is restarted, which is quicker than deleting through the Web API.
 */
let crm: RunningEmulator | null = null;
afterAll(async () => {
  await crm?.close();
});

connectorConformance('Dataverse connector on the emulator', () => ({
  spec: { table: 'customers', idColumn: 'customerid', modifiedColumn: 'modifiedon' },
  missingId: '00000000-0000-4000-8000-000000000000',
  // Longer than the column's MaxLength (100): Dataverse refuses it with 0x80044331.
  refusedRow: { name: 'x'.repeat(CUSTOMERS.columns[0].maxLength + 1) },
  reset: async () => {
    await crm?.close();
    crm = await startCrm();
    return DataverseConnector.open('crm', crmSpec(crm));
  },
  seed: async (rows) => {
    const client = await crmClient(crm!);
    const ids: string[] = [];
    for (const row of rows) ids.push(await client.create('customers', row));
    return ids;
  },
  stored: async () =>
    crm!.rows('customers').map((row) => ({
      id: String(row.customerid),
      name: String(row.name),
      email: (row.email as string | null) ?? null,
      score: (row.score as number | null) ?? null,
    })),
}));
