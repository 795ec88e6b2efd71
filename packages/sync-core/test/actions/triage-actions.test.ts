import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteRecords,
  removeCouplings,
  restoreRecords,
  retrySyncErrors,
  synchronizeSyncErrors,
} from '../../src/actions/index.js';
import { CouplingSchema, SyncErrorSchema } from '../../src/entities/index.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext, seedErrorOfEveryKind } from '../support/error-kinds.js';
import { couplingsOf, errorsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('triage actions on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  const errorById = async (id: number) => fx.store.em().findOneOrFail(SyncErrorSchema, { id });
  const couplingById = async (id: number) => fx.store.em().findOneOrFail(CouplingSchema, { id });
  const appState = async () => ({
    erp: await fx.erp.all('select * from customer order by id'),
    crm: await fx.crm.all('select * from account order by accountid'),
  });

  it('remove coupling applies to every kind: uncoupled, resolved, logged with the actor, records untouched, never re-synced', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const before = await appState();
    const all = Object.values(seeded).map((s) => s.errorId);
    const result = await removeCouplings(actionContext(fx), { ids: all });
    expect(result).toMatchObject({ requested: 4, succeeded: 4, failed: 0, failures: [] });
    for (const item of Object.values(seeded)) {
      expect(await errorById(item.errorId)).toMatchObject({
        status: 'RESOLVED',
        resolution: 'UNCOUPLED',
        resolvedBy: 'alice',
      });
      expect(await couplingById(item.couplingId)).toMatchObject({ state: 'UNCOUPLED', parked: false });
    }
    expect(
      (await logOf(fx.store, fx.mappingId)).filter((e) => e.action === 'UNCOUPLE' && e.actor === 'alice'),
    ).toHaveLength(4);
    expect(await appState()).toEqual(before);
    // The records no longer sync: a change to them creates nothing and changes nothing.
    await fx.erp.run('update customer set city = ?, modified_at = ? where id = ?', [
      'Narvik',
      fx.stamp('erp'),
      seeded.conflict.localId,
    ]);
    const next = await fx.sync();
    expect(next.counters).toMatchObject({ inserted: 0, modified: 0, failed: 0 });
    expect(await errorsOf(fx.store, fx.mappingId, 'OPEN')).toEqual([]);
  });

  it('retry releases conflicts and failed writes, refuses deletions with a reason, and changes nothing for them', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const deletedCouplingBefore = await couplingById(seeded.integrationDeleted.couplingId);
    const result = await retrySyncErrors(actionContext(fx), { ids: Object.values(seeded).map((s) => s.errorId) });
    expect(result).toMatchObject({ requested: 4, succeeded: 2, failed: 2 });
    expect(result.failures.map((f) => [f.errorId, f.code])).toEqual(
      expect.arrayContaining([
        [seeded.integrationDeleted.errorId, 'ACTION_NOT_APPLICABLE'],
        [seeded.localDeleted.errorId, 'ACTION_NOT_APPLICABLE'],
      ]),
    );
    expect(result.failures.find((f) => f.errorId === seeded.integrationDeleted.errorId)!.reason).toContain(
      'integration record was deleted',
    );
    expect(await couplingById(seeded.conflict.couplingId)).toMatchObject({ parked: false, retryRequested: true });
    expect(await couplingById(seeded.integrationDeleted.couplingId)).toEqual(deletedCouplingBefore);
    expect(await errorById(seeded.integrationDeleted.errorId)).toMatchObject({ status: 'OPEN' });
  });

  it('a retried record that still conflicts comes back as one open error, not two; a fixed one resolves', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    await fx.erp.run('update customer set name = ?, modified_at = ? where id = ?', [
      'Bob fixed',
      fx.stamp('erp'),
      seeded.writeFailed.localId,
    ]);
    await retrySyncErrors(actionContext(fx), { ids: [seeded.conflict.errorId, seeded.writeFailed.errorId] });
    const job = await fx.sync();
    expect(job.counters).toMatchObject({ modified: 1, failed: 1 });
    const conflictErrors = (await errorsOf(fx.store, fx.mappingId)).filter(
      (e) => e.couplingId === seeded.conflict.couplingId,
    );
    expect(conflictErrors).toHaveLength(1);
    expect(conflictErrors[0]).toMatchObject({ id: seeded.conflict.errorId, status: 'OPEN', jobId: job.jobId });
    expect(await couplingById(seeded.conflict.couplingId)).toMatchObject({ parked: true });
    expect(await errorById(seeded.writeFailed.errorId)).toMatchObject({ status: 'RESOLVED', resolution: 'SYNCED' });
    const [account] = await fx.crm.all<{ name: string }>('select name from account where accountid = ?', [
      seeded.writeFailed.integrationId,
    ]);
    expect(account!.name).toBe('Bob fixed');
  });

  it('synchronize with a whole-record winner writes that side over the other and resolves the error', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const result = await synchronizeSyncErrors(
      actionContext(fx),
      { ids: [seeded.conflict.errorId] },
      { winner: 'INTEGRATION' },
    );
    expect(result).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    const [customer] = await fx.erp.all<{ name: string }>('select name from customer where id = ?', [
      seeded.conflict.localId,
    ]);
    expect(customer!.name).toBe('Ada (CRM)');
    expect(await errorById(seeded.conflict.errorId)).toMatchObject({
      status: 'RESOLVED',
      resolution: 'SYNCHRONIZED',
      resolvedBy: 'alice',
    });
    expect(await couplingById(seeded.conflict.couplingId)).toMatchObject({ parked: false });
    const update = (await logOf(fx.store, fx.mappingId)).filter((e) => e.action === 'UPDATE' && e.actor === 'alice');
    expect(update).toHaveLength(1);
    // And it stays resolved: the next job does not bring the conflict back.
    await fx.sync();
    const open = await errorsOf(fx.store, fx.mappingId, 'OPEN');
    expect(open.find((e) => e.couplingId === seeded.conflict.couplingId)).toBeUndefined();
  });

  it('synchronize field by field takes each field from the side chosen for it', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    // Also a one-sided city change on the CRM, which the field choice sends the other way.
    await fx.crm.run('update account set address1_city = ? where accountid = ?', [
      'Bodø',
      seeded.conflict.integrationId,
    ]);
    const result = await synchronizeSyncErrors(
      actionContext(fx),
      { ids: [seeded.conflict.errorId] },
      { winner: 'LOCAL', fieldWinners: [{ field: 'address1_city', winner: 'INTEGRATION' }] },
    );
    expect(result.succeeded).toBe(1);
    const [customer] = await fx.erp.all<{ name: string; city: string }>(
      'select name, city from customer where id = ?',
      [seeded.conflict.localId],
    );
    const [account] = await fx.crm.all<{ name: string; address1_city: string }>(
      'select name, address1_city from account where accountid = ?',
      [seeded.conflict.integrationId],
    );
    expect(customer).toMatchObject({ name: 'Ada (ERP)', city: 'Bodø' });
    expect(account).toMatchObject({ name: 'Ada (ERP)', address1_city: 'Bodø' });
  });

  it('synchronize refuses deletions and unknown fields, per item, changing nothing', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const before = await appState();
    const refused = await synchronizeSyncErrors(
      actionContext(fx),
      { ids: [seeded.localDeleted.errorId] },
      { winner: 'LOCAL' },
    );
    expect(refused).toMatchObject({ succeeded: 0, failed: 1, failures: [{ code: 'ACTION_NOT_APPLICABLE' }] });
    const unknown = await synchronizeSyncErrors(
      actionContext(fx),
      { ids: [seeded.conflict.errorId] },
      { winner: 'LOCAL', fieldWinners: [{ field: 'phone', winner: 'LOCAL' }] },
    );
    expect(unknown.failures).toEqual([
      { errorId: seeded.conflict.errorId, code: 'UNKNOWN_FIELD', reason: 'mapping "customers" has no field "phone"' },
    ]);
    expect(await appState()).toEqual(before);
    expect(await errorsOf(fx.store, fx.mappingId, 'OPEN')).toHaveLength(4);
  });

  it('restore records re-creates a deleted record on either side from the other and re-couples it', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const result = await restoreRecords(actionContext(fx), {
      ids: [seeded.integrationDeleted.errorId, seeded.localDeleted.errorId, seeded.conflict.errorId],
    });
    expect(result).toMatchObject({
      requested: 3,
      succeeded: 2,
      failed: 1,
      failures: [{ errorId: seeded.conflict.errorId, code: 'ACTION_NOT_APPLICABLE' }],
    });
    const [cleo] = await fx.crm.all<{ accountid: string; address1_city: string; erp_id: string }>(
      'select * from account where name = ?',
      ['Cleo'],
    );
    expect(cleo).toMatchObject({ address1_city: 'Bergen', erp_id: String(seeded.integrationDeleted.localId) });
    expect(await couplingById(seeded.integrationDeleted.couplingId)).toMatchObject({
      integrationId: String(cleo!.accountid),
      parked: false,
      state: 'COUPLED',
    });
    const [dan] = await fx.erp.all<{ id: number; city: string }>('select * from customer where name = ?', ['Dan']);
    expect(dan).toMatchObject({ city: 'Tromsø' });
    expect(await couplingById(seeded.localDeleted.couplingId)).toMatchObject({ localId: String(dan!.id) });
    expect(await errorById(seeded.localDeleted.errorId)).toMatchObject({ status: 'RESOLVED', resolution: 'RESTORED' });
    // The restored records are in step: the next job inserts nothing (Bob's failed write fails once more).
    expect((await fx.sync()).counters).toMatchObject({ inserted: 0, failed: 1 });
    expect(await fx.crm.all('select * from account where name = ?', ['Cleo'])).toHaveLength(1);
  });

  it('delete records deletes the surviving record and the coupling', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const result = await deleteRecords(actionContext(fx), {
      ids: [seeded.integrationDeleted.errorId, seeded.localDeleted.errorId],
    });
    expect(result).toMatchObject({ requested: 2, succeeded: 2, failed: 0 });
    expect(await fx.erp.all('select * from customer where id = ?', [seeded.integrationDeleted.localId])).toEqual([]);
    expect(await fx.crm.all('select * from account where accountid = ?', [seeded.localDeleted.integrationId])).toEqual(
      [],
    );
    const remaining = (await couplingsOf(fx.store, fx.mappingId)).map((c) => c.id);
    expect(remaining).not.toContain(seeded.integrationDeleted.couplingId);
    expect(remaining).not.toContain(seeded.localDeleted.couplingId);
    expect(await errorById(seeded.integrationDeleted.errorId)).toMatchObject({
      status: 'RESOLVED',
      resolution: 'DELETED',
    });
    // The others are untouched.
    expect(await fx.erp.all('select name from customer order by id')).toEqual([
      { name: 'Ada (ERP)' },
      { name: 'REJECT' },
    ]);
  });
});
