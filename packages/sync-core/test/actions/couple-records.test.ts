import { afterEach, describe, expect, it } from 'vitest';
import { coupleRecords } from '../../src/actions/index.js';
import { InvalidInputError } from '../../src/errors/index.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext } from '../support/error-kinds.js';
import { couplingsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('couple records by hand, on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  /** One ERP customer and one CRM account that describe the same company under different values. */
  async function twoRecords() {
    fx = await createSyncFixture(dialect, {
      createNewIfNoMatch: false,
      fields: [
        { local: 'name', integration: 'name' },
        { local: 'city', integration: 'address1_city' },
      ],
    });
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'ACME',
      'a@x.io',
      'Oslo',
      fx.stamp('erp'),
    ]);
    await fx.crm.run(
      dialect === 'sqlite'
        ? 'insert into account (accountid, name, address1_city, modifiedon) values (?, ?, ?, ?)'
        : 'insert into account (name, address1_city, modifiedon) values (?, ?, ?)',
      [...(dialect === 'sqlite' ? ['acc-1'] : []), 'Acme AS', 'Bergen', fx.stamp('crm')],
    );
    const [customer] = await fx.erp.all<{ id: number }>('select id from customer');
    const [account] = await fx.crm.all<{ accountid: string }>('select accountid from account');
    return { localId: String(customer!.id), integrationId: String(account!.accountid) };
  }

  it('couples two records and makes them equal with the winner’s values, logged with the actor', async () => {
    const ids = await twoRecords();
    const result = await coupleRecords(actionContext(fx), { mappingId: fx.mappingId, ...ids, winner: 'INTEGRATION' });
    expect(result.outcome).toBe('MODIFIED');
    expect(await fx.erp.all('select name, city from customer')).toEqual([{ name: 'Acme AS', city: 'Bergen' }]);
    const [coupling] = await couplingsOf(fx.store, fx.mappingId);
    expect(coupling).toMatchObject({
      id: result.couplingId,
      localId: ids.localId,
      integrationId: ids.integrationId,
      state: 'COUPLED',
    });
    expect((await logOf(fx.store, fx.mappingId)).map((e) => [e.action, e.actor])).toEqual([
      ['COUPLE', 'alice'],
      ['UPDATE', 'alice'],
    ]);
    // In step from now on: the next job has nothing to do.
    expect((await fx.sync()).counters).toMatchObject({ modified: 0, inserted: 0, failed: 0 });
  });

  it('refuses a record that does not exist or is already coupled, changing nothing', async () => {
    const ids = await twoRecords();
    await expect(
      coupleRecords(actionContext(fx), { mappingId: fx.mappingId, ...ids, localId: '999999' }),
    ).rejects.toThrow('localId: local record 999999 does not exist');
    await coupleRecords(actionContext(fx), { mappingId: fx.mappingId, ...ids });
    const before = await couplingsOf(fx.store, fx.mappingId);
    await expect(coupleRecords(actionContext(fx), { mappingId: fx.mappingId, ...ids })).rejects.toThrow(
      InvalidInputError,
    );
    expect(await couplingsOf(fx.store, fx.mappingId)).toEqual(before);
  });
});
