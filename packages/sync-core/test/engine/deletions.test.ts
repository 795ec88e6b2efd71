import { afterEach, describe, expect, it } from 'vitest';
import { coupledPair } from '../support/coupled-pair.js';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf, errorsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('deleted records on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  it('with policy NONE reports INTEGRATION_RECORD_DELETED when a changed local record lost its counterpart', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await fx.crm.run('delete from account where accountid = ?', [pair.integrationId]);
    await pair.editLocal('city', 'Bergen');
    const outcome = await fx.sync();
    expect(outcome.status).toBe('PARTIAL');
    expect(outcome.counters).toMatchObject({ deleted: 0, failed: 1, inserted: 0 });
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error).toMatchObject({ kind: 'INTEGRATION_RECORD_DELETED', status: 'OPEN', localId: String(pair.localId) });
    expect((await couplingsOf(fx.store, fx.mappingId))[0]).toMatchObject({ parked: true });
    expect(await fx.crm.all('select * from account')).toEqual([]);
    expect(await pair.local()).toMatchObject({ city: 'Bergen' });
  });

  it('finds a deletion nobody else changed on a full sync (LOCAL_RECORD_DELETED)', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await fx.erp.run('delete from customer where id = ?', [pair.localId]);
    expect((await fx.sync()).counters.deleted).toBe(0);
    const outcome = await fx.sync({ full: true });
    expect(outcome.counters).toMatchObject({ deleted: 0, failed: 1 });
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error).toMatchObject({ kind: 'LOCAL_RECORD_DELETED', integrationId: String(pair.integrationId) });
    expect(await fx.crm.all('select * from account')).toHaveLength(1);
  });

  it('finds it on the periodic deletion scan of a normal run', async () => {
    fx = await createSyncFixture(dialect, {}, { deletionScanSeconds: 0 });
    const pair = await coupledPair(fx);
    await fx.erp.run('delete from customer where id = ?', [pair.localId]);
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ deleted: 0, failed: 1 });
    expect((await errorsOf(fx.store, fx.mappingId))[0]).toMatchObject({ kind: 'LOCAL_RECORD_DELETED' });
  });

  it('counts a deletion parked as an error as failed only, not also as deleted', async () => {
    fx = await createSyncFixture(dialect);
    for (let i = 1; i <= 5; i++) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        `C${i}`,
        `c${i}@example.com`,
        'Oslo',
        fx.stamp('erp'),
      ]);
    }
    expect((await fx.sync()).counters).toMatchObject({ inserted: 5 });
    const customers = await fx.erp.all<{ id: number }>('select id from customer order by id');
    const edit = (id: number) =>
      fx.erp.run('update customer set city = ?, modified_at = ? where id = ?', ['Bergen', fx.stamp('erp'), id]);
    // Three records lose their counterpart (and change, so that the job reads them) …
    for (const { id } of customers.slice(0, 3)) {
      await fx.crm.run('delete from account where erp_id = ?', [String(id)]);
      await edit(id);
    }
    // … and two change on both sides.
    for (const { id } of customers.slice(3)) {
      await edit(id);
      await fx.crm.run('update account set address1_city = ?, modifiedon = ? where erp_id = ?', [
        'Tromsø',
        fx.stamp('crm'),
        String(id),
      ]);
    }
    const outcome = await fx.sync();
    expect(outcome.status).toBe('PARTIAL');
    expect(outcome.counters).toMatchObject({ deleted: 0, failed: 5, inserted: 0, modified: 0, uncoupled: 0 });
    const kinds = (await errorsOf(fx.store, fx.mappingId, 'OPEN')).map((e) => e.kind).sort();
    expect(kinds).toEqual([
      'INTEGRATION_RECORD_DELETED',
      'INTEGRATION_RECORD_DELETED',
      'INTEGRATION_RECORD_DELETED',
      'UPDATE_CONFLICT',
      'UPDATE_CONFLICT',
    ]);
    expect((await couplingsOf(fx.store, fx.mappingId)).every((c) => c.parked)).toBe(true);
  });

  it('with RESTORE_RECORDS re-creates the deleted record from the other side and re-couples it', async () => {
    fx = await createSyncFixture(dialect, { deletionConflictResolution: 'RESTORE_RECORDS' });
    const pair = await coupledPair(fx);
    await fx.crm.run('delete from account where accountid = ?', [pair.integrationId]);
    await pair.editLocal('city', 'Bergen');
    const outcome = await fx.sync();
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.counters).toMatchObject({ deleted: 1, inserted: 1, failed: 0 });
    const accounts = await fx.crm.all<{ accountid: string; name: string; address1_city: string; erp_id: string }>(
      'select * from account',
    );
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ name: 'Ada', address1_city: 'Bergen', erp_id: String(pair.localId) });
    const [coupling] = await couplingsOf(fx.store, fx.mappingId);
    expect(coupling).toMatchObject({ integrationId: String(accounts[0]!.accountid), parked: false });
    expect(coupling!.integrationId).not.toBe(String(pair.integrationId));
    expect((await logOf(fx.store, fx.mappingId)).at(-1)).toMatchObject({ action: 'RESTORE' });
    expect(await errorsOf(fx.store, fx.mappingId)).toEqual([]);
    expect((await fx.sync()).counters).toMatchObject({ inserted: 0, modified: 0, deleted: 0 });
  });

  it('with REMOVE_COUPLING uncouples, and the surviving record is left as it is', async () => {
    fx = await createSyncFixture(dialect, { deletionConflictResolution: 'REMOVE_COUPLING' });
    const pair = await coupledPair(fx);
    await fx.crm.run('delete from account where accountid = ?', [pair.integrationId]);
    await pair.editLocal('city', 'Bergen');
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ deleted: 1, uncoupled: 1, failed: 0, inserted: 0 });
    const [coupling] = await couplingsOf(fx.store, fx.mappingId);
    expect(coupling).toMatchObject({ state: 'UNCOUPLED', localId: String(pair.localId) });
    expect(await fx.crm.all('select * from account')).toEqual([]);
    expect(await pair.local()).toMatchObject({ name: 'Ada', city: 'Bergen' });
    expect((await logOf(fx.store, fx.mappingId)).at(-1)).toMatchObject({ action: 'UNCOUPLE' });
    // The surviving record no longer syncs: a later change does not copy it over again.
    await pair.editLocal('city', 'Tromsø');
    expect((await fx.sync()).counters).toMatchObject({ inserted: 0, modified: 0 });
    expect(await fx.crm.all('select * from account')).toEqual([]);
  });
});
