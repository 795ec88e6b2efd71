import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('change reading and checkpoints on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  it('reads many records with one equal modified-on across batch boundaries, and a late commit with that same stamp', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 10 });
    const stamp = fx.stamp('erp');
    for (let i = 1; i <= 25; i++) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        `Same ${i}`,
        `s${i}@example.com`,
        'Oslo',
        stamp,
      ]);
    }
    const first = await fx.sync();
    expect(first.counters).toMatchObject({ inserted: 25, failed: 0 });
    // A record committed after the job with the checkpoint's exact timestamp is still found.
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'Late',
      'late@example.com',
      'Oslo',
      stamp,
    ]);
    const second = await fx.sync();
    expect(second.counters).toMatchObject({ inserted: 1 });
    const names = await fx.crm.all<{ name: string }>('select name from account');
    expect(names).toHaveLength(26);
    expect(new Set(names.map((n) => n.name)).size).toBe(26);
    expect(await couplingsOf(fx.store, fx.mappingId)).toHaveLength(26);
  });

  it('finds a record committed late with a modified-on older than the checkpoint (look-back window)', async () => {
    fx = await createSyncFixture(dialect);
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'First',
      'f@example.com',
      'Oslo',
      fx.stamp('erp'),
    ]);
    const older = new Date(Date.now() - 2000).toISOString();
    await fx.sync();
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'Late',
      'l@example.com',
      'Oslo',
      older,
    ]);
    expect((await fx.sync()).counters).toMatchObject({ inserted: 1 });
    expect(await fx.crm.all('select name from account order by name')).toEqual([{ name: 'First' }, { name: 'Late' }]);
  });

  it('records edited during a job — one already synced, one not yet read — both arrive, each once', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 5 });
    for (let i = 1; i <= 12; i++) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        `C${i}`,
        `c${i}@example.com`,
        'Oslo',
        fx.stamp('erp'),
      ]);
    }
    const [firstRead, lastRead] = await Promise.all([
      fx.erp.all<{ id: number }>('select id from customer where name = ?', ['C1']),
      fx.erp.all<{ id: number }>('select id from customer where name = ?', ['C12']),
    ]);
    let edited = false;
    // Edit between the first and second batch of the local pass.
    const editDuringJob = async () => {
      if (edited) return;
      edited = true;
      await fx.erp.run('update customer set city = ?, modified_at = ? where id = ?', [
        'Edited',
        fx.stamp('erp'),
        firstRead[0]!.id,
      ]);
      await fx.erp.run('update customer set name = ?, modified_at = ? where id = ?', [
        'C12 edited',
        fx.stamp('erp'),
        lastRead[0]!.id,
      ]);
    };
    const outcome = await fx.sync({ onBatch: editDuringJob });
    expect(outcome.counters.failed).toBe(0);
    // Both edits move their records past the job's cursor, so this same job reads them (again).
    expect(await fx.crm.all<{ name: string }>('select name from account where name = ?', ['C12 edited'])).toHaveLength(
      1,
    );
    const [c1] = await fx.crm.all<{ address1_city: string }>('select address1_city from account where name = ?', [
      'C1',
    ]);
    expect(c1!.address1_city).toBe('Edited');
    expect(outcome.counters).toMatchObject({ inserted: 12, modified: 1 });
    expect((await fx.sync()).counters).toMatchObject({ inserted: 0, modified: 0 });
    expect(await fx.crm.all('select * from account')).toHaveLength(12);
  });

  it('a cancelled job stops at a batch boundary, and the next run finishes without duplicates', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 10 });
    for (let i = 1; i <= 35; i++) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        `C${i}`,
        `c${i}@example.com`,
        'Oslo',
        fx.stamp('erp'),
      ]);
    }
    const cancelled = await fx.sync({ cancelAfterBatches: 1 });
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.counters.inserted).toBe(10);
    expect(await fx.crm.all('select * from account')).toHaveLength(10);
    const rest = await fx.sync();
    expect(rest.status).toBe('SUCCEEDED');
    expect(rest.counters.inserted).toBe(25);
    const names = await fx.crm.all<{ name: string }>('select name from account');
    expect(new Set(names.map((n) => n.name)).size).toBe(35);
    expect(names).toHaveLength(35);
  });
});
