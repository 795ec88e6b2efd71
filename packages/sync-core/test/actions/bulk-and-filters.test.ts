import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteSyncEntriesOlderThan,
  removeCouplings,
  retryAllSyncErrors,
  retrySyncErrors,
} from '../../src/actions/index.js';
import { CouplingSchema, SyncErrorSchema, SyncJobSchema, SyncLogEntrySchema } from '../../src/entities/index.js';
import { InvalidInputError } from '../../src/errors/index.js';
import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import { summarizeSyncErrors, syncErrorGroups } from '../../src/repositories/sync-error.queries.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext, seedErrorOfEveryKind } from '../support/error-kinds.js';
import { couplingsOf, errorsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('bulk actions, filters and retention on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  it('an action by filter touches exactly the matching errors and their couplings, nothing else', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const couplingsBefore = await couplingsOf(fx.store, fx.mappingId);
    const errorsBefore = await errorsOf(fx.store, fx.mappingId);
    const result = await removeCouplings(actionContext(fx), {
      filter: { mappingId: fx.mappingId, kinds: ['INTEGRATION_RECORD_DELETED', 'LOCAL_RECORD_DELETED'] },
    });
    expect(result).toMatchObject({ requested: 2, succeeded: 2, failed: 0 });
    const touched = new Set([seeded.integrationDeleted.couplingId, seeded.localDeleted.couplingId]);
    for (const coupling of await couplingsOf(fx.store, fx.mappingId)) {
      const before = couplingsBefore.find((c) => c.id === coupling.id);
      if (touched.has(coupling.id)) expect(coupling.state).toBe('UNCOUPLED');
      else expect(coupling).toEqual(before);
    }
    for (const error of await errorsOf(fx.store, fx.mappingId)) {
      const before = errorsBefore.find((e) => e.id === error.id);
      if (touched.has(error.couplingId!)) expect(error.status).toBe('RESOLVED');
      else expect(error).toEqual(before);
    }
  });

  it('text search filters by message and by record id', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const byId = await retrySyncErrors(actionContext(fx), { filter: { search: seeded.conflict.integrationId } });
    expect(byId).toMatchObject({ requested: 1, succeeded: 1 });
    const byText = await retrySyncErrors(actionContext(fx), { filter: { search: 'BOTH RECORDS CHANGED' } });
    expect(byText).toMatchObject({ requested: 1, succeeded: 1 });
  });

  it('unknown ids are reported per item; ids and filter together, no selection, or too many ids are refused whole', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const result = await retrySyncErrors(actionContext(fx), { ids: [seeded.conflict.errorId, 999_999] });
    expect(result).toMatchObject({
      requested: 2,
      succeeded: 1,
      failed: 1,
      failures: [{ errorId: 999_999, code: 'NOT_FOUND', reason: 'sync error 999999 does not exist' }],
    });
    const before = await errorsOf(fx.store, fx.mappingId);
    const couplings = await couplingsOf(fx.store, fx.mappingId);
    const both = { ids: [seeded.conflict.errorId], filter: {} } as never;
    await expect(removeCouplings(actionContext(fx), both)).rejects.toThrow(InvalidInputError);
    await expect(removeCouplings(actionContext(fx), {} as never)).rejects.toThrow('give exactly one of ids and filter');
    const many = Array.from({ length: 1001 }, (_, i) => i + 1);
    await expect(removeCouplings(actionContext(fx), { ids: many })).rejects.toThrow('at most 1000 ids per call');
    expect(await errorsOf(fx.store, fx.mappingId)).toEqual(before);
    expect(await couplingsOf(fx.store, fx.mappingId)).toEqual(couplings);
  });

  it('retry all with runNow queues one RETRY job per mapping, scoped to the released couplings', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const queue = new InProcessQueue({
      context: { store: fx.store, connectors: fx.connectors, events: fx.events, workerId: 'test' },
    });
    const result = await retryAllSyncErrors(
      { ...actionContext(fx), queue },
      { mappingId: fx.mappingId },
      { runNow: true },
    );
    expect(result).toMatchObject({ requested: 4, succeeded: 2, failed: 2 });
    expect(result.jobIds).toHaveLength(1);
    const job = await fx.store.em().findOneOrFail(SyncJobSchema, { id: result.jobIds[0]! });
    expect(job).toMatchObject({ status: 'QUEUED', trigger: 'RETRY', requestedBy: 'alice' });
    expect(JSON.parse(job.scope!).sort()).toEqual([seeded.conflict.couplingId, seeded.writeFailed.couplingId].sort());
    // The scoped job syncs only those couplings.
    const scoped = await fx.sync({ scope: JSON.parse(job.scope!) });
    expect(scoped.counters.processed).toBe(2);
    await queue.close();
  });

  it('groups open errors by mapping, kind and message pattern, and a group can be acted on in one call', async () => {
    fx = await createSyncFixture(dialect);
    for (const name of ['REJECT', 'REJECT', 'REJECT']) {
      await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
        name,
        `${Math.random()}@x.io`,
        'Oslo',
        fx.stamp('erp'),
      ]);
    }
    await seedErrorOfEveryKind(fx);
    const groups = await syncErrorGroups(fx.store.sql, { mappingId: fx.mappingId });
    const rejected = groups.find((g) => g.kind === 'WRITE_FAILED')!;
    expect(rejected.count).toBe(4);
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(7);
    const summary = await summarizeSyncErrors(fx.store.sql, { mappingId: fx.mappingId });
    expect(summary.total).toBe(7);
    expect(summary.byKind).toContainEqual({ kind: 'WRITE_FAILED', count: 4 });
    const result = await removeCouplings(actionContext(fx), {
      filter: { mappingId: fx.mappingId, kinds: ['WRITE_FAILED'], messagePattern: rejected.messagePattern },
    });
    expect(result).toMatchObject({ requested: 4, succeeded: 4 });
    expect((await summarizeSyncErrors(fx.store.sql, { mappingId: fx.mappingId })).total).toBe(3);
  });

  it('retention deletes old log entries, resolved errors and finished jobs, and keeps open errors and their jobs', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    await removeCouplings(actionContext(fx), { ids: [seeded.localDeleted.errorId] });
    const old = Date.now() - 40 * 86_400_000;
    const em = fx.store.em();
    await em.nativeUpdate(SyncLogEntrySchema, {}, { occurredAt: old });
    await em.nativeUpdate(SyncErrorSchema, {}, { resolvedAt: old, occurredAt: old });
    await em.nativeUpdate(SyncJobSchema, {}, { finishedAt: old, status: 'SUCCEEDED' });
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'Eve',
      'eve@example.com',
      'Oslo',
      fx.stamp('erp'),
    ]);
    const recent = await fx.sync();
    const before = await fx.store.em().count(SyncLogEntrySchema, {});
    const recentEntries = await fx.store.em().count(SyncLogEntrySchema, { occurredAt: { $gte: old + 86_400_000 } });
    expect(recentEntries).toBeGreaterThan(0);
    const result = await deleteSyncEntriesOlderThan(fx, 30);
    expect(result.errors).toBe(1);
    expect(result.logEntries).toBeGreaterThan(4);
    // Exactly the old entries went; every entry of the recent job is still there.
    expect(result.logEntries).toBe(before - recentEntries);
    expect(await fx.store.em().count(SyncLogEntrySchema, {})).toBe(recentEntries);
    expect(await fx.store.em().count(SyncLogEntrySchema, { occurredAt: { $lt: old + 86_400_000 } })).toBe(0);
    const jobs = await fx.store.em().find(SyncJobSchema, {});
    // Kept: the recent job, and the old job that the open errors point to.
    expect(jobs.map((j) => j.id)).toContain(recent.jobId);
    const open = await errorsOf(fx.store, fx.mappingId, 'OPEN');
    expect(open).toHaveLength(3);
    for (const error of open) expect(jobs.map((j) => j.id)).toContain(error.jobId);
    expect(await fx.store.em().count(CouplingSchema, {})).toBeGreaterThan(0);
    await expect(deleteSyncEntriesOlderThan(fx, 0)).rejects.toThrow('days: must be a whole number of days, at least 1');
  });
});
