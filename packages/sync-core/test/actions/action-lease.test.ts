import { afterEach, describe, expect, it } from 'vitest';
import {
  type ActionContext,
  type ActionResult,
  coupleRecords,
  deleteRecords,
  type ErrorSelection,
  removeCouplings,
  restoreRecords,
  retrySyncErrors,
  synchronizeSyncErrors,
} from '../../src/actions/index.js';
import { MappingBusyError } from '../../src/errors/index.js';
import { acquireMappingLease, readMappingLease, releaseMappingLease } from '../../src/jobs/mapping-lease.js';
import { seedBulkConflicts } from '../support/bulk-conflicts.js';
import { withTableOverrides } from '../support/connector-doubles.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext, seedErrorOfEveryKind } from '../support/error-kinds.js';
import { couplingsOf, errorsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Record-writing actions take the mapping's lease (DESIGN.md rule 8, docs/TRIAGE.md "Actions and running
 * jobs"): they wait for a running job, then act or refuse its items MAPPING_BUSY; they renew the lease
 * while they write and release it however they end. Here the "job" is a lease row taken as a job's worker
 * takes it; test/actions/actions-beside-jobs.test.ts runs real jobs in another process.
 */
describe.each(DIALECTS)('actions and the mapping lease on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  const JOB_ID = 4242;
  const holdAsJob = () =>
    acquireMappingLease(fx.store.em(), { mappingId: fx.mappingId, owner: 'worker-1', ttlMs: 60_000, jobId: JOB_ID });
  const snapshot = async () => ({
    errors: await errorsOf(fx.store, fx.mappingId),
    couplings: await couplingsOf(fx.store, fx.mappingId),
    log: await logOf(fx.store, fx.mappingId),
    erp: await fx.erp.all('select * from customer order by id'),
    crm: await fx.crm.all('select * from account order by accountid'),
  });
  const ctx = (waitMs: number): ActionContext => ({ ...actionContext(fx), lease: { waitMs } });

  it('waits for a job that holds the mapping, then acts once it lets go', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    expect(await holdAsJob()).toBe(true);
    let releasedAt = 0;
    const release = sleep(400).then(async () => {
      releasedAt = Date.now();
      await releaseMappingLease(fx.store.em(), fx.mappingId, 'worker-1');
    });
    const result = await synchronizeSyncErrors(ctx(10_000), { ids: [seeded.conflict.errorId] }, { winner: 'LOCAL' });
    await release;
    expect(result).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    const entries = (await logOf(fx.store, fx.mappingId)).filter((e) => e.actor === 'alice');
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(Number(entry.occurredAt)).toBeGreaterThanOrEqual(releasedAt);
    expect(await readMappingLease(fx.store.em(), fx.mappingId)).toBeNull();
  });

  it('refuses the items of a mapping a job keeps with MAPPING_BUSY, naming the job, and changes nothing', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    expect(await holdAsJob()).toBe(true);
    const before = await snapshot();
    const all = [seeded.conflict, seeded.writeFailed, seeded.integrationDeleted, seeded.localDeleted];
    const ids = [...all.map((s) => s.errorId), 999_999];
    const actions: Array<[string, (selection: ErrorSelection) => Promise<ActionResult>, number]> = [
      ['synchronize', (s) => synchronizeSyncErrors(ctx(300), s, { winner: 'LOCAL' }), 2],
      ['restore', (s) => restoreRecords(ctx(300), s), 2],
      ['delete', (s) => deleteRecords(ctx(300), s), 2],
      ['remove coupling', (s) => removeCouplings(ctx(300), s), 4],
    ];
    for (const [name, act, applicable] of actions) {
      const startedAt = Date.now();
      const result = await act({ ids });
      expect(Date.now() - startedAt, `${name} waited`).toBeGreaterThanOrEqual(300);
      expect(result, name).toMatchObject({ requested: 5, succeeded: 0, failed: 5 });
      const busy = result.failures.filter((f) => f.code === 'MAPPING_BUSY');
      expect(busy, name).toHaveLength(applicable);
      for (const failure of busy) {
        expect(failure).toMatchObject({
          jobId: JOB_ID,
          reason: `a job of this mapping is running (job ${JOB_ID}); try again when it ends`,
        });
      }
      expect(result.failures.find((f) => f.errorId === 999_999)?.code).toBe('NOT_FOUND');
      expect(
        result.failures.filter((f) => f.code === 'ACTION_NOT_APPLICABLE'),
        name,
      ).toHaveLength(4 - applicable);
      expect(await snapshot(), name).toEqual(before);
    }
    await expect(
      coupleRecords(ctx(300), { mappingId: fx.mappingId, localId: '1', integrationId: 'x' }),
    ).rejects.toThrow(MappingBusyError);
    expect(await snapshot()).toEqual(before);
    // The job's lease is untouched by the refusals.
    expect(await readMappingLease(fx.store.em(), fx.mappingId)).toMatchObject({ owner: 'worker-1', jobId: JOB_ID });
  });

  it('another action holding the mapping is named as such', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const slow = withTableOverrides(fx.connectors, {
      update: async (table, rows) => {
        await sleep(800);
        return table.update(rows);
      },
    });
    const first = synchronizeSyncErrors(
      { ...ctx(0), connectors: slow },
      { ids: [seeded.conflict.errorId] },
      { winner: 'LOCAL' },
    );
    await waitForLeaseOwner(fx, (owner) => owner.startsWith('action:'));
    const second = await removeCouplings(ctx(0), { ids: [seeded.writeFailed.errorId] });
    expect(second.failures).toEqual([
      {
        errorId: seeded.writeFailed.errorId,
        code: 'MAPPING_BUSY',
        reason: 'another action on this mapping’s records is running; try again when it ends',
      },
    ]);
    expect(await first).toMatchObject({ succeeded: 1 });
  });

  it('retry does not wait for the lease: it only releases couplings for the next job', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    expect(await holdAsJob()).toBe(true);
    const startedAt = Date.now();
    const result = await retrySyncErrors(ctx(5_000), { ids: [seeded.conflict.errorId] });
    expect(result).toMatchObject({ requested: 1, succeeded: 1, failed: 0 });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('releases the lease after an action that throws', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const broken = withTableOverrides(fx.connectors, {
      update: async () => {
        throw new Error('the app went away');
      },
    });
    await expect(
      synchronizeSyncErrors({ ...ctx(0), connectors: broken }, { ids: [seeded.conflict.errorId] }, { winner: 'LOCAL' }),
    ).rejects.toThrow('the app went away');
    expect(await readMappingLease(fx.store.em(), fx.mappingId)).toBeNull();
    // And the mapping is free at once for the next action and for jobs.
    const next = await synchronizeSyncErrors(ctx(0), { ids: [seeded.conflict.errorId] }, { winner: 'LOCAL' });
    expect(next).toMatchObject({ succeeded: 1 });
  });

  it('an action whose lease is taken over mid-way writes nothing more and refuses the rest MAPPING_BUSY', async () => {
    fx = await createSyncFixture(dialect);
    await seedBulkConflicts(fx, { plain: 0, conflicts: 600 });
    let writing: () => void = () => {};
    const firstWrite = new Promise<void>((resolve) => {
      writing = resolve;
    });
    const slow = withTableOverrides(fx.connectors, {
      update: async (table, rows) => {
        writing();
        await sleep(600);
        return table.update(rows);
      },
    });
    const action = synchronizeSyncErrors(
      { ...ctx(0), connectors: slow },
      { filter: { mappingId: fx.mappingId } },
      { winner: 'LOCAL' },
    );
    // While the first chunk of 500 writes, a job's worker takes the mapping over (as after an expired lease).
    await firstWrite;
    await fx.store
      .em()
      .execute('update mapping_lease set owner = ?, job_id = ? where mapping_id = ?', [
        'worker-1',
        JOB_ID,
        fx.mappingId,
      ]);
    const result = await action;
    expect(result).toMatchObject({ requested: 600, succeeded: 500, failed: 100 });
    expect(new Set(result.failures.map((f) => f.code))).toEqual(new Set(['MAPPING_BUSY']));
    expect(result.failures[0]?.reason).toContain('lost the mapping');
    expect(await errorsOf(fx.store, fx.mappingId, 'OPEN')).toHaveLength(100);
    // The job's lease is the job's: the action's release leaves it alone.
    expect(await readMappingLease(fx.store.em(), fx.mappingId)).toMatchObject({ owner: 'worker-1' });
  });
});

async function waitForLeaseOwner(fx: SyncFixture, matches: (owner: string) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lease = await readMappingLease(fx.store.em(), fx.mappingId);
    if (lease && matches(lease.owner)) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for the lease owner');
    await sleep(5);
  }
}
