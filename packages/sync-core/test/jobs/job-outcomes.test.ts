import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters, type SyncOutcome } from '../../src/engine/sync-run.js';
import { acquireMappingLease, releaseMappingLease } from '../../src/jobs/mapping-lease.js';
import { claimSyncJob, enqueueSyncJob, finishSyncJob } from '../../src/jobs/sync-job.repository.js';
import { jobOutcomesOverTime } from '../../src/repositories/sync-job.queries.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { createMapping } from './job-test-kit.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 0, 0, 0);

describe.each(DIALECTS)('job outcomes over time on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'outcomes');
    store = await createStore({ url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** One job through its real lifecycle (queued, claimed under the lease, finished) at a chosen time. */
  async function finishedJob(mappingId: number, status: SyncOutcome['status'], finishedAt: number): Promise<void> {
    const enqueued = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL', now: finishedAt - 1000 });
    const jobId = enqueued!.job.id;
    await acquireMappingLease(store.em(), { mappingId, owner: 'w', ttlMs: 60_000, now: finishedAt - 500 });
    await claimSyncJob(store.em(), { jobId, workerId: 'w', now: finishedAt - 500 });
    const outcome: SyncOutcome = { status, counters: emptyCounters(), message: null };
    expect(await finishSyncJob(store.em(), { jobId, workerId: 'w', outcome, now: finishedAt })).toBe(true);
    await releaseMappingLease(store.em(), mappingId, 'w');
  }

  it('counts finished jobs per hour and status, with empty hours as zeros, for one mapping or all', async () => {
    const customers = await createMapping(store);
    const items = await createMapping(store);
    await finishedJob(customers, 'SUCCEEDED', T0 + 10 * 60_000);
    await finishedJob(customers, 'SUCCEEDED', T0 + 50 * 60_000);
    await finishedJob(items, 'FAILED', T0 + 59 * 60_000 + 59_999);
    await finishedJob(customers, 'PARTIAL', T0 + 2 * HOUR);
    await finishedJob(items, 'CANCELLED', T0 + 2 * HOUR + 1);
    // Outside the window: before it, and a job still waiting.
    await finishedJob(customers, 'FAILED', T0 - 1);
    await enqueueSyncJob(store.em(), { mappingId: items, trigger: 'MANUAL', now: T0 + HOUR });

    const all = await jobOutcomesOverTime(store.sql, {
      since: T0 + 5 * 60_000,
      until: T0 + 2 * HOUR + 30 * 60_000,
      bucketMs: HOUR,
    });
    expect(all).toEqual([
      { start: T0, end: T0 + HOUR, counts: { SUCCEEDED: 2, PARTIAL: 0, FAILED: 1, CANCELLED: 0 } },
      { start: T0 + HOUR, end: T0 + 2 * HOUR, counts: { SUCCEEDED: 0, PARTIAL: 0, FAILED: 0, CANCELLED: 0 } },
      { start: T0 + 2 * HOUR, end: T0 + 3 * HOUR, counts: { SUCCEEDED: 0, PARTIAL: 1, FAILED: 0, CANCELLED: 1 } },
    ]);

    const onlyItems = await jobOutcomesOverTime(store.sql, {
      since: T0,
      until: T0 + 2 * HOUR,
      bucketMs: HOUR,
      mappingId: items,
    });
    expect(onlyItems.map((bucket) => bucket.counts)).toEqual([
      { SUCCEEDED: 0, PARTIAL: 0, FAILED: 1, CANCELLED: 0 },
      { SUCCEEDED: 0, PARTIAL: 0, FAILED: 0, CANCELLED: 0 },
      { SUCCEEDED: 0, PARTIAL: 0, FAILED: 0, CANCELLED: 1 },
    ]);
  });
});
