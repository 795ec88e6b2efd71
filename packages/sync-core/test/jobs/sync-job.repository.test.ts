import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters } from '../../src/engine/sync-run.js';
import { SyncJobSchema } from '../../src/entities/index.js';
import { acquireMappingLease } from '../../src/jobs/mapping-lease.js';
import {
  claimSyncJob,
  enqueueSyncJob,
  finishSyncJob,
  INTERRUPTED_MESSAGE,
  mergeWaitingRun,
  recoverInterruptedJobs,
} from '../../src/jobs/sync-job.repository.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { createMapping, jobRow } from './job-test-kit.js';

describe('mergeWaitingRun', () => {
  const waiting = { trigger: 'SCHEDULE' as const, full: false, scope: null };
  it('lets full win and never narrows a normal run', () => {
    expect(mergeWaitingRun(waiting, { trigger: 'MANUAL', full: true })).toEqual({ ...waiting, full: true });
    expect(mergeWaitingRun({ ...waiting, full: true }, { trigger: 'MANUAL' })).toEqual({ ...waiting, full: true });
    expect(mergeWaitingRun(waiting, { trigger: 'RETRY', scope: [4] })).toEqual(waiting);
  });
  it('merges retry scopes and widens a retry to a normal run', () => {
    const retry = { trigger: 'RETRY' as const, full: false, scope: [5, 2] };
    expect(mergeWaitingRun(retry, { trigger: 'RETRY', scope: [2, 9] })).toEqual({ ...retry, scope: [2, 5, 9] });
    expect(mergeWaitingRun(retry, { trigger: 'MANUAL' })).toEqual({ trigger: 'MANUAL', full: false, scope: null });
  });
});

describe.each(DIALECTS)('sync job rows on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'jobrows');
    store = await createStore({ url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const queued = async (mappingId: number) => {
    const enqueued = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL' });
    return enqueued!.job.id;
  };

  it('claims a job only while holding its mapping lease, and only once', async () => {
    const mappingId = await createMapping(store);
    const jobId = await queued(mappingId);
    expect(await claimSyncJob(store.em(), { jobId, workerId: 'w1' })).toBeNull();
    await acquireMappingLease(store.em(), { mappingId, owner: 'w1', ttlMs: 10_000 });
    expect(await claimSyncJob(store.em(), { jobId, workerId: 'w2' })).toBeNull();
    const claimed = await claimSyncJob(store.em(), { jobId, workerId: 'w1' });
    expect(claimed).toMatchObject({ id: jobId, status: 'RUNNING', workerId: 'w1' });
    expect(claimed!.startedAt).toEqual(expect.any(Number));
    expect(await claimSyncJob(store.em(), { jobId, workerId: 'w1' })).toBeNull();
  });

  it('records the end of a job only for the worker that runs it', async () => {
    const mappingId = await createMapping(store);
    const jobId = await queued(mappingId);
    await acquireMappingLease(store.em(), { mappingId, owner: 'w1', ttlMs: 10_000 });
    await claimSyncJob(store.em(), { jobId, workerId: 'w1' });
    const outcome = {
      status: 'PARTIAL' as const,
      counters: { ...emptyCounters(), failed: 2, modified: 3 },
      message: null,
    };
    expect(await finishSyncJob(store.em(), { jobId, workerId: 'w2', outcome })).toBe(false);
    expect(await finishSyncJob(store.em(), { jobId, workerId: 'w1', outcome })).toBe(true);
    expect(await jobRow(store, jobId)).toMatchObject({ status: 'PARTIAL', failed: 2, modified: 3 });
    // Settled: a second finish (a late duplicate) changes nothing.
    expect(await finishSyncJob(store.em(), { jobId, workerId: 'w1', outcome: { ...outcome, status: 'FAILED' } })).toBe(
      false,
    );
  });

  it('fails running jobs whose worker is gone, and leaves live ones alone', async () => {
    const now = Date.now();
    const running = async (workerId: string, leaseExpiresAt: number | null) => {
      const mappingId = await createMapping(store);
      const em = store.em();
      const job = em.create(SyncJobSchema, {
        mappingId,
        status: 'RUNNING',
        trigger: 'MANUAL',
        queuedAt: now - 5000,
        startedAt: now - 4000,
        workerId,
      });
      await em.flush();
      if (leaseExpiresAt !== null) {
        await acquireMappingLease(store.em(), { mappingId, owner: workerId, ttlMs: leaseExpiresAt - now, now });
      }
      return job.id;
    };
    const noLease = await running('crashed', null);
    const expired = await running('stalled', now - 1);
    const live = await running('alive', now + 60_000);
    const restarted = await running('me', now + 60_000);
    const taken = await running('old-owner', null);
    // The lease of `taken`'s mapping now belongs to someone else.
    const takenMapping = (await jobRow(store, taken)).mappingId;
    await acquireMappingLease(store.em(), { mappingId: takenMapping, owner: 'new-owner', ttlMs: 60_000 });

    const recovered = await recoverInterruptedJobs(store.em(), { now, restartedWorkerId: 'me' });
    expect(recovered.sort((a, b) => a - b)).toEqual([noLease, expired, restarted, taken].sort((a, b) => a - b));
    for (const jobId of recovered) {
      expect(await jobRow(store, jobId)).toMatchObject({
        status: 'FAILED',
        message: INTERRUPTED_MESSAGE,
        finishedAt: now,
      });
    }
    expect((await jobRow(store, live)).status).toBe('RUNNING');
    // Without the restart hint a live lease protects the job.
    expect(await recoverInterruptedJobs(store.em(), { now })).toEqual([]);
  });
});
