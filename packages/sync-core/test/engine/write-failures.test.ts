import { afterEach, describe, expect, it } from 'vitest';
import { coupledPair } from '../support/coupled-pair.js';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf, errorsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('write failures on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  async function addCustomer(name: string, email: string) {
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      name,
      email,
      'Oslo',
      fx.stamp('erp'),
    ]);
  }

  it('a bad record among good ones fails alone, with the app message, and the job ends PARTIAL', async () => {
    fx = await createSyncFixture(dialect);
    await addCustomer('Good 1', 'g1@example.com');
    await addCustomer('REJECT', 'bad@example.com');
    await addCustomer('Good 2', 'g2@example.com');
    const outcome = await fx.sync();
    expect(outcome.status).toBe('PARTIAL');
    expect(outcome.counters).toMatchObject({ inserted: 2, failed: 1 });
    const names = (await fx.crm.all<{ name: string }>('select name from account order by name')).map((a) => a.name);
    expect(names).toEqual(['Good 1', 'Good 2']);
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error).toMatchObject({ kind: 'WRITE_FAILED', status: 'OPEN' });
    expect(error!.message.toLowerCase()).toContain('check');
    const pending = (await couplingsOf(fx.store, fx.mappingId)).find((c) => c.state === 'PENDING');
    expect(pending).toMatchObject({ failureCount: 1, parked: false });
  });

  it('is retried by the next job and parked when the same failure repeats', async () => {
    fx = await createSyncFixture(dialect);
    await addCustomer('REJECT', 'bad@example.com');
    await fx.sync();
    const second = await fx.sync();
    expect(second.counters).toMatchObject({ failed: 1 });
    const [coupling] = await couplingsOf(fx.store, fx.mappingId);
    expect(coupling).toMatchObject({ failureCount: 2, parked: true });
    expect(await errorsOf(fx.store, fx.mappingId)).toHaveLength(1);
    // Parked: the third job skips it instead of failing again.
    const third = await fx.sync();
    expect(third.counters).toMatchObject({ failed: 0 });
    expect(await fx.crm.all('select * from account')).toEqual([]);
  });

  it('a failure that clears itself resolves its error', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await pair.editLocal('name', 'REJECT');
    const failed = await fx.sync();
    expect(failed.counters).toMatchObject({ failed: 1 });
    expect((await errorsOf(fx.store, fx.mappingId, 'OPEN'))[0]).toMatchObject({ kind: 'WRITE_FAILED' });
    await pair.editLocal('name', 'Ada Fixed');
    const fixed = await fx.sync();
    expect(fixed.counters).toMatchObject({ failed: 0, modified: 1 });
    expect((await pair.integration())!.name).toBe('Ada Fixed');
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error).toMatchObject({ status: 'RESOLVED', resolution: 'SYNCED' });
    expect((await couplingsOf(fx.store, fx.mappingId))[0]).toMatchObject({ failureCount: 0, parked: false });
  });

  it('a transform that rejects a value fails that record only', async () => {
    fx = await createSyncFixture(dialect, {
      fields: [
        { local: 'name', integration: 'name' },
        { local: 'email', integration: 'creditlimit', transform: 'number', direction: 'TO_INTEGRATION' },
      ],
      direction: 'TO_INTEGRATION',
    });
    await addCustomer('Fine', '42');
    await addCustomer('Broken', 'not-a-number');
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ inserted: 1, failed: 1 });
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error!.message).toContain('"not-a-number" is not a number');
    expect(await fx.crm.all('select name, creditlimit from account')).toEqual([{ name: 'Fine', creditlimit: 42 }]);
  });
});
