import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters } from '../../src/engine/sync-run.js';
import { SyncJobSchema, TableMappingSchema } from '../../src/entities/index.js';
import { InProcessQueue, type InProcessQueueOptions } from '../../src/jobs/in-process-queue.js';
import type { RunJob } from '../../src/jobs/job-queue.js';
import { acquireMappingLease, readMappingLease } from '../../src/jobs/mapping-lease.js';
import { INTERRUPTED_MESSAGE } from '../../src/jobs/sync-job.repository.js';
import { saveTableMapping } from '../../src/mappings/table-mapping.repository.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { describeJobQueueConformance } from './job-queue.conformance.js';
import {
  ControlledRunner,
  closeQueuesAndClear,
  createMapping,
  JobEvents,
  jobRow,
  jobsOf,
  mappingInput,
  sleep,
  waitFor,
  waitForStatus,
} from './job-test-kit.js';

describeJobQueueConformance(
  'in-process',
  ({ store, events, workerId, runJob, concurrency, closeTimeoutMs }) =>
    new InProcessQueue({
      context: { store, events, workerId, connectors: new Map() },
      runJob,
      concurrency,
      closeTimeoutMs,
      pollIntervalMs: 50,
      leaseTtlMs: 3000,
      progressIntervalMs: 250,
    }),
);

describe.each(DIALECTS)('in-process queue specifics on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  let events: JobEvents;
  const queues: InProcessQueue[] = [];
  const queueWith = (workerId: string, runJob: RunJob, options: Partial<InProcessQueueOptions> = {}) => {
    const queue = new InProcessQueue({
      context: { store, events: events.bus, workerId, connectors: new Map() },
      runJob,
      pollIntervalMs: 50,
      ...options,
    });
    queues.push(queue);
    return queue;
  };

  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'inproc');
    store = await createStore({ url: db.url });
  });
  beforeEach(() => {
    events = new JobEvents();
  });
  afterEach(async () => {
    await closeQueuesAndClear(store, queues);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** A RUNNING row as a process leaves it behind, with or without a live lease. */
  const runningJob = async (workerId: string, leaseTtlMs: number | null) => {
    const mappingId = await createMapping(store);
    const em = store.em();
    const job = em.create(SyncJobSchema, {
      mappingId,
      status: 'RUNNING',
      trigger: 'SCHEDULE',
      queuedAt: Date.now() - 2000,
      startedAt: Date.now() - 1000,
      workerId,
    });
    await em.flush();
    if (leaseTtlMs !== null) await acquireMappingLease(store.em(), { mappingId, owner: workerId, ttlMs: leaseTtlMs });
    return { jobId: job.id, mappingId };
  };

  it('fails interrupted jobs at start, and later ones once their lease runs out', async () => {
    const crashed = await runningJob('gone', null);
    const ownBeforeRestart = await runningJob('me', 60_000);
    const elsewhere = await runningJob('other-process', 600);
    const queue = queueWith('me', new ControlledRunner(0).runJob);
    await queue.start();

    for (const { jobId } of [crashed, ownBeforeRestart]) {
      expect(await jobRow(store, jobId)).toMatchObject({ status: 'FAILED', message: INTERRUPTED_MESSAGE });
      expect(events.statusesOf(jobId)).toEqual(['FAILED']);
    }
    expect((await jobRow(store, elsewhere.jobId)).status).toBe('RUNNING');
    // The other process stops renewing; polling notices once its lease has run out.
    const failed = await waitForStatus(store, elsewhere.jobId, 'FAILED');
    expect(failed.message).toBe(INTERRUPTED_MESSAGE);
    // The mapping runs again as soon as asked: the dead lease does not block it.
    const next = await queue.enqueue(elsewhere.mappingId, { trigger: 'MANUAL' });
    await waitForStatus(store, next.jobId, 'SUCCEEDED');
  });

  it('stops a run whose lease was lost, so that the new holder runs the mapping alone', async () => {
    let stoppedBecauseAsked = false;
    const untilAsked: RunJob = async (run) => {
      while (!(await run.isCancelRequested())) await sleep(20);
      stoppedBecauseAsked = true;
      return { status: 'CANCELLED', counters: emptyCounters(), message: 'lease lost' };
    };
    const queue = queueWith('slow-heart', untilAsked, { leaseTtlMs: 300 });
    await queue.start();
    const mappingId = await createMapping(store);
    const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
    await waitForStatus(store, jobId, 'RUNNING');
    // Another process took the mapping (say this one stalled past its lease).
    await store
      .em()
      .execute('update mapping_lease set owner = ?, expires_at = ? where mapping_id = ?', [
        'usurper',
        Date.now() + 60_000,
        mappingId,
      ]);
    await waitFor('the run to stop', () => stoppedBecauseAsked);
    expect((await readMappingLease(store.em(), mappingId))?.owner).toBe('usurper');
  });

  it('does not multiply scheduled runs when several processes run schedules', async () => {
    const mappingId = await createMapping(store, { scheduleSeconds: 1 });
    for (const workerId of ['p1', 'p2', 'p3']) await queueWith(workerId, new ControlledRunner(10).runJob).start();
    await sleep(2500);
    const scheduled = (await jobsOf(store, mappingId)).filter((job) => job.trigger === 'SCHEDULE');
    // Once at start and once a second: 3 runs (4 with timer jitter), not 3 per process.
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    expect(scheduled.length).toBeLessThanOrEqual(4);
  });

  it('re-reads schedules from the mappings', async () => {
    const later = await createMapping(store, { scheduleSeconds: 0 });
    const queue = queueWith('sched', new ControlledRunner(0).runJob);
    await queue.start();
    const name = (await store.em().findOneOrFail(TableMappingSchema, { id: later })).name;
    await saveTableMapping(store.em(), mappingInput({ name, scheduleSeconds: 1 }));
    await queue.syncSchedules();
    const first = await waitFor('a scheduled job', async () =>
      (await jobsOf(store, later)).find((job) => job.trigger === 'SCHEDULE'),
    );
    expect(first.requestedBy).toBeNull();
    await saveTableMapping(store.em(), mappingInput({ name, scheduleSeconds: 1, enabled: false }));
    await queue.syncSchedules();
    const count = (await jobsOf(store, later)).length;
    await sleep(1300);
    expect(await jobsOf(store, later)).toHaveLength(count);
  });
});
