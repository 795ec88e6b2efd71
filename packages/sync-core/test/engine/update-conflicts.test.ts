import { afterEach, describe, expect, it } from 'vitest';
import { coupledPair } from '../support/coupled-pair.js';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf, errorsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('field changes and update conflicts on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  it('merges one field changed on each side without a conflict, and logs before/after', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await pair.editLocal('city', 'Trondheim');
    await pair.editIntegration('name', 'Ada Lovelace');
    const outcome = await fx.sync();
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.counters).toMatchObject({ modified: 1, failed: 0 });
    expect(await pair.local()).toMatchObject({ name: 'Ada Lovelace', city: 'Trondheim' });
    expect(await pair.integration()).toMatchObject({ name: 'Ada Lovelace', address1_city: 'Trondheim' });
    expect(await errorsOf(fx.store, fx.mappingId)).toEqual([]);
    const update = (await logOf(fx.store, fx.mappingId)).find((e) => e.action === 'UPDATE')!;
    expect(update.direction).toBe('BIDIRECTIONAL');
    expect(JSON.parse(update.changes!)).toEqual(
      expect.arrayContaining([
        { side: 'INTEGRATION', field: 'address1_city', before: 'Oslo', after: 'Trondheim' },
        { side: 'LOCAL', field: 'name', before: 'Ada', after: 'Ada Lovelace' },
      ]),
    );
    // And both writes are our own: the next run finds nothing to do.
    expect((await fx.sync()).counters).toMatchObject({ modified: 0, unchanged: 0 });
  });

  it('treats a field changed to the same value on both sides as no conflict', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await pair.editLocal('name', 'Same');
    await pair.editIntegration('name', 'Same');
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ failed: 0, modified: 0, unchanged: 1 });
    expect(await errorsOf(fx.store, fx.mappingId)).toEqual([]);
  });

  it('with policy NONE parks an update conflict naming the field, writes nothing, and skips it until released', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await pair.editLocal('name', 'Local name');
    await pair.editIntegration('name', 'Integration name');
    const before = { local: await pair.local(), integration: await pair.integration() };
    const outcome = await fx.sync();
    expect(outcome.status).toBe('PARTIAL');
    expect(outcome.counters).toMatchObject({ failed: 1, modified: 0 });
    expect(await pair.local()).toEqual(before.local);
    expect(await pair.integration()).toEqual(before.integration);
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error).toMatchObject({ kind: 'UPDATE_CONFLICT', status: 'OPEN', jobId: outcome.jobId });
    expect(error!.message).toContain('name');
    expect(JSON.parse(error!.fields!)).toEqual(['name']);
    expect((await couplingsOf(fx.store, fx.mappingId))[0]!.parked).toBe(true);

    // A later change to the record does not release it: the coupling is skipped and stays parked.
    await pair.editLocal('city', 'Bergen');
    const later = await fx.sync();
    expect(later.counters).toMatchObject({ skipped: 1, modified: 0, failed: 0 });
    expect((await pair.integration())!.address1_city).toBe('Oslo');
    expect(await errorsOf(fx.store, fx.mappingId, 'OPEN')).toHaveLength(1);
  });

  it('with SEND_UPDATE_TO_INTEGRATION the local side wins and the log says so', async () => {
    fx = await createSyncFixture(dialect, { updateConflictResolution: 'SEND_UPDATE_TO_INTEGRATION' });
    const pair = await coupledPair(fx);
    await pair.editLocal('name', 'Local name');
    await pair.editIntegration('name', 'Integration name');
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ failed: 0, modified: 1 });
    expect((await pair.local())!.name).toBe('Local name');
    expect((await pair.integration())!.name).toBe('Local name');
    expect(await errorsOf(fx.store, fx.mappingId)).toEqual([]);
    const update = (await logOf(fx.store, fx.mappingId)).find((e) => e.action === 'UPDATE')!;
    expect(update.message).toContain('resolved by policy SEND_UPDATE_TO_INTEGRATION: local side won');
  });

  it('with GET_UPDATE_FROM_INTEGRATION the integration side wins, while a one-sided field still merges', async () => {
    fx = await createSyncFixture(dialect, { updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION' });
    const pair = await coupledPair(fx);
    await pair.editLocal('name', 'Local name');
    await pair.editLocal('city', 'Bergen');
    await pair.editIntegration('name', 'Integration name');
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ failed: 0, modified: 1 });
    expect(await pair.local()).toMatchObject({ name: 'Integration name', city: 'Bergen' });
    expect(await pair.integration()).toMatchObject({ name: 'Integration name', address1_city: 'Bergen' });
    const update = (await logOf(fx.store, fx.mappingId)).find((e) => e.action === 'UPDATE')!;
    expect(update.message).toContain('integration side won');
  });

  it('in a one-direction mapping, a destination change that a source change would overwrite is a conflict', async () => {
    fx = await createSyncFixture(dialect, { direction: 'TO_INTEGRATION' });
    const pair = await coupledPair(fx);
    // A destination-only change is not pulled back (the mapping only sends) …
    await pair.editIntegration('address1_city', 'Stavanger');
    expect((await fx.sync()).counters).toMatchObject({ modified: 0, failed: 0 });
    expect((await pair.local())!.city).toBe('Oslo');
    // … but a source change that would overwrite it conflicts.
    await pair.editLocal('city', 'Tromsø');
    const outcome = await fx.sync();
    expect(outcome.counters).toMatchObject({ failed: 1 });
    expect((await pair.integration())!.address1_city).toBe('Stavanger');
    const [error] = await errorsOf(fx.store, fx.mappingId);
    expect(error).toMatchObject({ kind: 'UPDATE_CONFLICT' });
    expect(JSON.parse(error!.fields!)).toEqual(['city']);
  });

  it('leaves couplings it did not touch untouched', async () => {
    fx = await createSyncFixture(dialect);
    const pair = await coupledPair(fx);
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'Bob',
      'bob@example.com',
      'Oslo',
      fx.stamp('erp'),
    ]);
    await fx.sync();
    const [adaBefore] = await couplingsOf(fx.store, fx.mappingId);
    await pair.editLocal('name', 'Ada 2');
    await fx.sync();
    const [ada, bob] = await couplingsOf(fx.store, fx.mappingId);
    expect(ada!.localModifiedUs).toBeGreaterThan(adaBefore!.localModifiedUs!);
    const bobAfterFirst = bob;
    await fx.sync();
    const [, bobAgain] = await couplingsOf(fx.store, fx.mappingId);
    expect(bobAgain).toEqual(bobAfterFirst);
  });
});
