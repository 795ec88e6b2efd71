import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('initial sync and no echo on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  async function seedCustomers(count: number) {
    for (let i = 1; i <= count; i++) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        `Customer ${i}`,
        `c${i}@example.com`,
        'Oslo',
        fx.stamp('erp'),
      ]);
    }
  }

  it('inserts new local records on the integration side, couples and logs each, and a re-run changes nothing', async () => {
    fx = await createSyncFixture(dialect);
    await seedCustomers(5);
    const first = await fx.sync();
    expect(first.status).toBe('SUCCEEDED');
    expect(first.counters).toMatchObject({ inserted: 5, modified: 0, failed: 0 });

    const accounts = await fx.crm.all<{ accountid: string; name: string; emailaddress1: string; erp_id: string }>(
      'select accountid, name, emailaddress1, erp_id from account order by name',
    );
    expect(accounts.map((a) => [a.name, a.emailaddress1])).toEqual(
      [1, 2, 3, 4, 5].map((i) => [`Customer ${i}`, `c${i}@example.com`]),
    );
    const customers = await fx.erp.all<{ id: number; name: string }>('select id, name from customer order by name');
    expect(accounts.map((a) => a.erp_id)).toEqual(customers.map((c) => String(c.id)));

    const couplings = await couplingsOf(fx.store, fx.mappingId);
    expect(couplings).toHaveLength(5);
    expect(couplings.every((c) => c.state === 'COUPLED' && !c.parked)).toBe(true);
    expect(new Set(couplings.map((c) => c.integrationId))).toEqual(new Set(accounts.map((a) => String(a.accountid))));
    const log = await logOf(fx.store, fx.mappingId);
    expect(log.filter((e) => e.action === 'INSERT')).toHaveLength(5);
    expect(JSON.parse(log[0]!.changes!)).toContainEqual({
      side: 'INTEGRATION',
      field: 'name',
      before: null,
      after: expect.stringMatching(/^Customer \d$/),
    });

    // No echo: the records written by the job come back as changes of the CRM but compare unchanged.
    const crmBefore = await fx.crm.all('select * from account order by accountid');
    const erpBefore = await fx.erp.all('select * from customer order by id');
    const second = await fx.sync();
    expect(second.status).toBe('SUCCEEDED');
    expect(second.counters).toMatchObject({ inserted: 0, modified: 0, unchanged: 0, failed: 0, skipped: 0 });
    expect(await fx.crm.all('select * from account order by accountid')).toEqual(crmBefore);
    expect(await fx.erp.all('select * from customer order by id')).toEqual(erpBefore);
    expect(await logOf(fx.store, fx.mappingId)).toHaveLength(5);
  });

  it('a record that matches one the previous batch inserted finds it coupled, and gets its own copy', async () => {
    // One record per batch: the first batch's couplings may still wait for the store (SyncWork.commitLater)
    // when the second batch looks for a match among the CRM's records.
    fx = await createSyncFixture(dialect, {}, { batchSize: 1, initialBatchSize: 1 });
    for (const name of ['First', 'Second']) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        name,
        'shared@example.com',
        'Oslo',
        fx.stamp('erp'),
      ]);
    }
    const run = await fx.sync();
    expect({ status: run.status, message: run.message }).toEqual({ status: 'SUCCEEDED', message: null });
    expect(run.counters).toMatchObject({ inserted: 2, coupled: 0, failed: 0 });
    const accounts = await fx.crm.all<{ accountid: string; name: string }>('select accountid, name from account');
    expect(accounts.map((a) => a.name).sort()).toEqual(['First', 'Second']);
    const couplings = await couplingsOf(fx.store, fx.mappingId);
    expect(couplings).toHaveLength(2);
    expect(new Set(couplings.map((c) => c.integrationId))).toEqual(new Set(accounts.map((a) => String(a.accountid))));
  });

  it('inserts new integration records on the local side in a bidirectional mapping', async () => {
    fx = await createSyncFixture(dialect);
    await fx.crm.run(
      dialect === 'sqlite'
        ? 'insert into account (accountid, name, emailaddress1, address1_city, modifiedon) values (?, ?, ?, ?, ?)'
        : 'insert into account (name, emailaddress1, address1_city, modifiedon) values (?, ?, ?, ?)',
      [...(dialect === 'sqlite' ? ['a-1'] : []), 'From CRM', 'crm@example.com', 'Bergen', fx.stamp('crm')],
    );
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ inserted: 1, failed: 0 });
    const customers = await fx.erp.all<{ id: number; name: string; city: string }>('select * from customer');
    expect(customers).toMatchObject([{ name: 'From CRM', city: 'Bergen' }]);
    const [coupling] = await couplingsOf(fx.store, fx.mappingId);
    expect(coupling).toMatchObject({ localId: String(customers[0]!.id), state: 'COUPLED' });
    // And the echo of the local insert is not sent back.
    expect((await fx.sync()).counters).toMatchObject({ inserted: 0, modified: 0 });
  });

  it('couples to an existing record by a match field, case-insensitively, instead of inserting', async () => {
    fx = await createSyncFixture(dialect);
    await fx.crm.run(
      dialect === 'sqlite'
        ? 'insert into account (accountid, name, emailaddress1, modifiedon) values (?, ?, ?, ?)'
        : 'insert into account (name, emailaddress1, modifiedon) values (?, ?, ?)',
      [...(dialect === 'sqlite' ? ['a-1'] : []), 'Old name', 'ADA@example.com', fx.stamp('crm')],
    );
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'Ada',
      'ada@example.com',
      'Oslo',
      fx.stamp('erp'),
    ]);
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ coupled: 1, inserted: 0, failed: 0 });
    const accounts = await fx.crm.all<{ name: string; address1_city: string }>('select * from account');
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ name: 'Ada', address1_city: 'Oslo' });
    expect((await logOf(fx.store, fx.mappingId)).map((e) => e.action)).toEqual(['COUPLE', 'UPDATE']);
  });

  it('with create-new-if-no-match off, skips records it cannot match', async () => {
    fx = await createSyncFixture(dialect, { createNewIfNoMatch: false });
    await seedCustomers(2);
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ inserted: 0, skipped: 2 });
    expect(await fx.crm.all('select * from account')).toEqual([]);
    expect(await couplingsOf(fx.store, fx.mappingId)).toEqual([]);
  });
});
