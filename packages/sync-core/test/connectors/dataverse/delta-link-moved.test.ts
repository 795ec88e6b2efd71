import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@tandem/dataverse-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { atRoot } from '../../../src/connectors/dataverse/dataverse-table.js';
import { DataverseConnector } from '../../../src/connectors/dataverse/index.js';
import { crmClient, crmSpec, startCrm } from './emulated-crm.js';

/**
 * A change-tracking checkpoint is the absolute `@odata.deltaLink` the server gave. When the environment's
 * URL changes between two jobs (here: the emulator started again on its file, on another port, as the
 * demo does on every start), the stored link must be read at the configured environment, not at the old
 * address, where nothing answers any more.
 */
const SPEC = { table: 'customers', idColumn: 'customerid', modifiedColumn: 'modifiedon' };

let dir: string | null = null;
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

async function start(database: string): Promise<{ crm: RunningEmulator; connector: DataverseConnector }> {
  const crm = await startCrm({ database });
  // A small wait budget: an unreachable address would fail the read in seconds, not hang the test.
  const connector = DataverseConnector.open('crm', crmSpec(crm, { maxWaitSeconds: 3 }));
  running.push(crm, connector);
  return { crm, connector };
}

describe('a stored change-tracking link after the environment moved', () => {
  it('is read at the configured environment and gives what changed since, not an unreachable old address', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-delta-moved-'));
    const database = join(dir, 'crm.sqlite');
    const first = await start(database);
    const people = await crmClient(first.crm);
    await people.create('customers', { name: 'Alpha' });
    const beta = await people.create('customers', { name: 'Beta' });
    let token: string | null = null;
    for (let done = false; !done; ) {
      const page = await first.connector.openTable(SPEC).readDelta(token, 100, ['name']);
      token = page!.token;
      done = page!.done;
    }
    expect(token).toContain(first.crm.url);
    await first.connector.close();
    await first.crm.close();

    const second = await start(database);
    expect(second.crm.url).not.toBe(first.crm.url);
    await (await crmClient(second.crm)).update('customers', beta, { name: 'Beta renamed' });
    const page = await second.connector.openTable(SPEC).readDelta(token, 100, ['name']);
    expect(page).toMatchObject({ restarted: false, done: true, deletedIds: [] });
    expect(page!.records.map((r) => [r.id, r.values.name])).toEqual([[beta, 'Beta renamed']]);
    expect(page!.token.startsWith(`${second.crm.apiUrl}/`)).toBe(true);
  });

  it('keeps a link at the configured root as given, and moves only the address of another', () => {
    const root = 'https://new.crm4.dynamics.com/api/data/v9.2';
    const here = `${root}/accounts?$select=name&$deltatoken=919042!08/22/2017 08:10:44`;
    expect(atRoot(here, root)).toBe(here);
    expect(atRoot('https://old.crm4.dynamics.com/api/data/v9.2/accounts?$deltatoken=12!x', root)).toBe(
      `${root}/accounts?$deltatoken=12!x`,
    );
    expect(atRoot('accounts?$select=name', root)).toBe('accounts?$select=name');
  });
});
