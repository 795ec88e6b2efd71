import { type RunningEmulator, startDataverseEmulator } from '@tandem/dataverse-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/connectors/connector.js';
import { DataverseConnector, type DataverseConnectorSpec } from '../../src/connectors/dataverse/index.js';
import type { EngineSettings } from '../../src/engine/sync-context.js';
import { crmClient, crmSpec } from '../connectors/dataverse/emulated-crm.js';
import { withTableOverrides } from '../support/connector-doubles.js';
import { couplingsOf, errorsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/**
 * The engine with a Dataverse CRM: the fixture's SQLite ERP and Tandem's store, and the Dataverse connector
 * over real HTTP to the emulator (packages/dataverse-emulator) — change tracking, `$batch` upserts by the
 * alternate key, ETags, service protection answering 429, dropped connections. What each test checks is
 * what an admin would see: both apps' records, the couplings, the errors and the job's notices.
 */
const ACCOUNTS = {
  name: 'accounts',
  key: 'accountid',
  columns: [
    { name: 'name', type: 'string' as const, maxLength: 40, required: true },
    { name: 'emailaddress1', type: 'string' as const, maxLength: 100 },
    { name: 'address1_city', type: 'string' as const, maxLength: 80 },
    { name: 'erp_id', type: 'string' as const, maxLength: 20 },
    { name: 'numberofemployees', type: 'int' as const },
  ],
  alternateKeys: [['erp_id']],
};

const SETTINGS: Partial<EngineSettings> = { deletionScanSeconds: 3600, batchSize: 50, initialBatchSize: 50 };

let fx: SyncFixture | null = null;
let crm: RunningEmulator | null = null;
afterEach(async () => {
  await fx?.close();
  await crm?.close();
  fx = null;
  crm = null;
});

type Start = Parameters<typeof startDataverseEmulator>[0];

async function setUp(options: Partial<Start> = {}, spec: Partial<DataverseConnectorSpec> = {}) {
  crm = await startDataverseEmulator({ schema: { entitySets: [ACCOUNTS] }, seed: 3, ...options });
  fx = await createSyncFixture(
    'sqlite',
    {
      integration: {
        connector: 'crm',
        table: 'accounts',
        id: 'accountid',
        modifiedOn: 'modifiedon',
        externalKey: 'erp_id',
      },
    },
    SETTINGS,
  );
  const dataverse = DataverseConnector.open('crm', crmSpec(crm, spec));
  const connectors = new Map<string, Connector>([
    ['erp', fx.connectors.get('erp')!],
    ['crm', dataverse],
  ]);
  const web = await crmClient(crm);
  return { connectors, dataverse, web };
}

/** One job as the job runner runs it, with the notices it shows in its progress. */
function sync(connectors: Map<string, Connector>) {
  return fx!.sync({ connectors });
}

async function addCustomers(count: number, prefix = 'c'): Promise<void> {
  for (let i = 0; i < count; i++) {
    await fx!.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      `${prefix}${i}`,
      `${prefix}${i}@example.com`,
      'Lund',
      fx!.stamp('erp'),
    ]);
  }
}

const accounts = () => crm!.rows('accounts') as Array<Record<string, string | number | null>>;
const customers = () =>
  fx!.erp.all<{ id: number; name: string; email: string; city: string | null }>(
    'select id, name, email, city from customer order by id',
  );

describe('the engine with a Dataverse CRM (the emulator over HTTP)', () => {
  it('couples both apps on the first job: ERP rows upserted by erp_id, CRM records into the ERP, once each', async () => {
    const { connectors, web } = await setUp();
    await addCustomers(120);
    for (const name of ['Crm One', 'Crm Two']) {
      await web.create('accounts', { name, emailaddress1: `${name.replace(' ', '.')}@example.com` });
    }
    const outcome = await sync(connectors);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', counters: { inserted: 122, failed: 0 } });
    const stored = accounts();
    expect(stored).toHaveLength(122);
    const erpRows = await customers();
    expect(erpRows).toHaveLength(122);
    // Each ERP row is in the CRM under its id as the external key; no id twice.
    const byErpId = new Map(stored.filter((a) => a.erp_id !== null).map((a) => [String(a.erp_id), a]));
    expect(byErpId.size).toBe(120);
    expect(byErpId.get(String(erpRows[0]!.id))).toMatchObject({ name: 'c0', emailaddress1: 'c0@example.com' });
    expect(erpRows.map((r) => r.name)).toEqual(expect.arrayContaining(['Crm One', 'Crm Two']));
    expect(await couplingsOf(fx!.store, fx!.mappingId)).toHaveLength(122);
    // A $batch per 100 changes, not a request per record.
    expect(crm!.stats().batchOperations).toBeGreaterThanOrEqual(120);
    expect(crm!.stats().requests).toBeLessThan(40);
  });

  it('carries an edit made in the CRM to the ERP and one made in the ERP to the CRM, and touches nothing else', async () => {
    const { connectors, web } = await setUp();
    await addCustomers(5);
    await sync(connectors);
    const before = new Map(accounts().map((a) => [String(a.accountid), a]));
    const [first, second] = await customers();
    const crmIdOf = (erpId: number) => [...before.values()].find((a) => a.erp_id === String(erpId))!.accountid;
    await web.update('accounts', String(crmIdOf(first!.id)), { address1_city: 'Malmö' });
    await fx!.erp.run('update customer set name = ?, modified_at = ? where id = ?', [
      'c1 renamed',
      fx!.stamp('erp'),
      second!.id,
    ]);
    const outcome = await sync(connectors);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', counters: { modified: 2, failed: 0 } });
    expect((await customers())[0]).toMatchObject({ city: 'Malmö' });
    const after = new Map(accounts().map((a) => [String(a.accountid), a]));
    expect(after.get(String(crmIdOf(second!.id)))).toMatchObject({ name: 'c1 renamed' });
    // The three records nobody edited keep their version: Tandem wrote nothing to them.
    const untouched = [...before.keys()].filter((id) => id !== crmIdOf(first!.id) && id !== crmIdOf(second!.id));
    expect(untouched).toHaveLength(3);
    for (const id of untouched) expect(after.get(id)!.versionnumber).toBe(before.get(id)!.versionnumber);
  });

  it('turns a CRM deletion into INTEGRATION_RECORD_DELETED from the change-tracking tombstone, with no scan', async () => {
    const { connectors, web } = await setUp();
    await addCustomers(3);
    await sync(connectors);
    const gone = accounts()[1]!;
    await web.remove('accounts', String(gone.accountid));
    const outcome = await sync(connectors);
    expect(outcome.status).toBe('PARTIAL');
    const open = await errorsOf(fx!.store, fx!.mappingId, 'OPEN');
    expect(open.map((e) => [e.kind, e.integrationId])).toEqual([['INTEGRATION_RECORD_DELETED', gone.accountid]]);
    // The ERP keeps its record until someone chooses Restore or Delete.
    expect(await customers()).toHaveLength(3);
  });

  it('fails only the record the CRM refuses, with its code and message, and lands the rest of the batch', async () => {
    const { connectors } = await setUp();
    await addCustomers(4);
    await fx!.erp.run('update customer set name = ? where name = ?', ['x'.repeat(41), 'c2']);
    const outcome = await sync(connectors);
    expect(outcome).toMatchObject({ status: 'PARTIAL', counters: { inserted: 3, failed: 1 } });
    expect(
      accounts()
        .map((a) => a.name)
        .sort(),
    ).toEqual(['c0', 'c1', 'c3']);
    const [failure] = await errorsOf(fx!.store, fx!.mappingId, 'OPEN');
    expect(failure).toMatchObject({ kind: 'WRITE_FAILED' });
    expect(`${failure!.message} ${failure!.detail ?? ''}`).toMatch(/0x80044331|length/i);
  });

  it('waits out 429s, says so in the job, and finishes with nothing failed', async () => {
    const { connectors, dataverse } = await setUp(
      { limits: { windowSeconds: 2, requestsPerWindow: 4, concurrent: 52 } },
      { batchSize: 10 },
    );
    await addCustomers(60);
    const outcome = await sync(connectors);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', counters: { inserted: 60, failed: 0 } });
    expect(dataverse.stats().throttled).toBeGreaterThan(0);
    expect(outcome.notices.some((n) => /asked to wait/.test(n))).toBe(true);
    expect(new Set(accounts().map((a) => a.erp_id)).size).toBe(60);
  });

  it('never duplicates a record whose insert landed though the answer was lost', async () => {
    const { connectors } = await setUp(
      { faults: { dropRate: 0.5, dropAfterProcessing: true } },
      { batchSize: 5, maxWaitSeconds: 60 },
    );
    await addCustomers(40);
    let outcome = await sync(connectors);
    // A dropped $batch is sent again; what landed the first time is upserted, not created twice.
    for (let i = 0; i < 3 && outcome.counters.failed > 0; i++) outcome = await sync(connectors);
    expect(crm!.stats().dropped).toBeGreaterThan(0);
    expect(outcome.counters.failed).toBe(0);
    const erpIds = accounts().map((a) => a.erp_id);
    expect(erpIds).toHaveLength(40);
    expect(new Set(erpIds).size).toBe(40);
    expect(await customers()).toHaveLength(40);
    expect(await couplingsOf(fx!.store, fx!.mappingId)).toHaveLength(40);
  });

  it('reads everything again when the CRM forgot the delta token, says so, and duplicates nothing', async () => {
    const { connectors, web } = await setUp();
    await addCustomers(3);
    await sync(connectors);
    crm!.expireDeltaTokens();
    await web.create('accounts', { name: 'late', emailaddress1: 'late@example.com' });
    const outcome = await sync(connectors);
    expect(outcome.notices.some((n) => /token .*expired/.test(n))).toBe(true);
    expect(outcome.counters).toMatchObject({ inserted: 1, failed: 0 });
    expect(accounts()).toHaveLength(4);
    expect(await customers()).toHaveLength(4);
  });

  it('gets a new token when the CRM stops taking the old one, without failing the job', async () => {
    const { connectors, web } = await setUp();
    await addCustomers(2);
    await sync(connectors);
    await web.create('accounts', { name: 'after revoke', emailaddress1: 'r@example.com' });
    // Every token issued so far is forgotten: the connector's next request is answered 401.
    crm!.revokeTokens();
    const outcome = await sync(connectors);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', counters: { inserted: 1 } });
  });
  it('never overwrites a CRM record changed after the job read it: the field rules decide on the next read', async () => {
    const { connectors, web } = await setUp();
    await addCustomers(2);
    await sync(connectors);
    const [merged, contested] = await customers();
    const crmIdOf = (erpId: number) => String(accounts().find((a) => a.erp_id === String(erpId))!.accountid);
    await fx!.erp.run('update customer set name = ?, modified_at = ? where id = ?', [
      'merged (ERP)',
      fx!.stamp('erp'),
      merged!.id,
    ]);
    await fx!.erp.run('update customer set city = ?, modified_at = ? where id = ?', [
      'Uppsala',
      fx!.stamp('erp'),
      contested!.id,
    ]);
    // Someone edits both records in the CRM after the job read the CRM, just before it writes there.
    const racing = withTableOverrides(new Map([['crm', connectors.get('crm')!]]), {
      update: async (table, rows) => {
        await web.update('accounts', crmIdOf(merged!.id), { address1_city: 'Kiruna' });
        await web.update('accounts', crmIdOf(contested!.id), { address1_city: 'Visby' });
        return table.update(rows);
      },
    });
    const raced = await sync(new Map([...connectors, ['crm', racing.get('crm')!]]));
    expect(raced.counters.modified).toBe(0);
    // Neither edit made in the CRM was overwritten.
    const cities = () => new Map(accounts().map((a) => [String(a.accountid), a.address1_city]));
    expect(cities().get(crmIdOf(merged!.id))).toBe('Kiruna');
    expect(cities().get(crmIdOf(contested!.id))).toBe('Visby');
    const next = await sync(connectors);
    // Different fields changed on each side: both kept. The same field on both: an update conflict.
    expect(accounts().find((a) => a.erp_id === String(merged!.id))).toMatchObject({
      name: 'merged (ERP)',
      address1_city: 'Kiruna',
    });
    expect((await customers())[0]).toMatchObject({ name: 'merged (ERP)', city: 'Kiruna' });
    const open = await errorsOf(fx!.store, fx!.mappingId, 'OPEN');
    expect(open.map((e) => [e.kind, e.localId])).toEqual([['UPDATE_CONFLICT', String(contested!.id)]]);
    expect(next.status).toBe('PARTIAL');
  });
  it('fails a record whose value the CRM column cannot take, naming the column and its type, and writes the rest', async () => {
    const { connectors } = await setUp();
    // A mapping mistake: the ERP's text `city` mapped to the CRM's whole-number column.
    await fx!.remap({
      integration: {
        connector: 'crm',
        table: 'accounts',
        id: 'accountid',
        modifiedOn: 'modifiedon',
        externalKey: 'erp_id',
      },
      fields: [
        { local: 'name', integration: 'name' },
        { local: 'city', integration: 'numberofemployees' },
      ],
    });
    await addCustomers(2);
    await fx!.erp.run('update customer set city = ? where name = ?', ['250', 'c1']);
    const outcome = await sync(connectors);
    expect(outcome).toMatchObject({ status: 'PARTIAL', counters: { inserted: 1, failed: 1 } });
    expect(accounts().map((a) => [a.name, a.numberofemployees])).toEqual([['c1', 250]]);
    const [failure] = await errorsOf(fx!.store, fx!.mappingId, 'OPEN');
    expect(failure).toMatchObject({ kind: 'WRITE_FAILED' });
    expect(failure!.message).toMatch(/numberofemployees/);
    expect(failure!.message).toMatch(/Lund/);
    expect(failure!.message).toMatch(/Integer|int/i);
  });
});
