import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters, type SyncOutcome } from '../../src/engine/sync-run.js';
import type { EventPublisher } from '../../src/events/event-publisher.js';
import type { JobQueue, RunJob } from '../../src/jobs/job-queue.js';
import { readMappingLease } from '../../src/jobs/mapping-lease.js';
import { saveTableMapping } from '../../src/mappings/table-mapping.repository.js';
import { updateTableMapping } from '../../src/mappings/update-table-mapping.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import {
  ControlledRunner,
  closeQueuesAndClear,
  createMapping,
  JobEvents,
  jobRow,
  jobsOf,
  mappingInput,
  mappingName,
  sleep,
  succeeded,
  waitFor,
  waitForStatus,
} from './job-test-kit.js';

export interface QueueEnvironment {
  store: Store;
  events: EventPublisher;
  workerId: string;
  runJob: RunJob;
  concurrency?: number;
  closeTimeoutMs?: number;
}

/** Builds the driver under test. Timings (polling, leases) are the driver's own, kept short for tests. */
export type QueueFactory = (env: QueueEnvironment) => JobQueue;

/**
 * The behaviour every JobQueue driver must show (docs/JOBS.md), on SQLite and PostgreSQL. The in-process
 * driver runs it today; a BullMQ driver calls it with its own factory.
 */
export function describeJobQueueConformance(driver: string, makeQueue: QueueFactory): void {
  describe.each(DIALECTS)(`${driver} job queue on %s`, (dialect) => {
    let db: ScratchDatabase;
    let store: Store;
    let events: JobEvents;
    const queues: JobQueue[] = [];

    const queueWith = (runJob: RunJob, options: Partial<QueueEnvironment> = {}): JobQueue => {
      const queue = makeQueue({
        store,
        events: events.bus,
        workerId: `worker-${queues.length + 1}`,
        runJob,
        ...options,
      });
      queues.push(queue);
      return queue;
    };

    beforeAll(async () => {
      db = await scratchDatabase(dialect, 'queue');
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
    it('returns the waiting job when a run is asked for again, even when asked many times at once', async () => {
      const mappingId = await createMapping(store);
      const queue = queueWith(new ControlledRunner().runJob);
      const first = await queue.enqueue(mappingId, { trigger: 'MANUAL', requestedBy: 'ada' });
      const second = await queue.enqueue(mappingId, { trigger: 'SCHEDULE' });
      expect(first.alreadyQueued).toBe(false);
      expect(second).toEqual({ jobId: first.jobId, alreadyQueued: true });

      const other = await createMapping(store);
      const racing = await Promise.all(Array.from({ length: 8 }, () => queue.enqueue(other, { trigger: 'MANUAL' })));
      expect(new Set(racing.map((result) => result.jobId)).size).toBe(1);
      expect(racing.filter((result) => !result.alreadyQueued)).toHaveLength(1);

      const rows = await jobsOf(store, mappingId);
      expect(rows.map((job) => [job.status, job.trigger, job.requestedBy])).toEqual([['QUEUED', 'MANUAL', 'ada']]);
      expect(await jobsOf(store, other)).toHaveLength(1);
      expect(events.statusesOf(first.jobId)).toEqual(['QUEUED']);
    });

    it('keeps at most one running and one waiting job per mapping, and runs the waiting one after', async () => {
      const mappingId = await createMapping(store);
      const runner = new ControlledRunner();
      const queue = queueWith(runner.runJob);
      await queue.start();

      const running = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      await runner.started(running.jobId);
      const waiting = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      const again = await queue.enqueue(mappingId, { trigger: 'SCHEDULE' });
      expect(waiting).toEqual({ jobId: expect.any(Number), alreadyQueued: false });
      expect(waiting.jobId).not.toBe(running.jobId);
      expect(again).toEqual({ jobId: waiting.jobId, alreadyQueued: true });
      await sleep(200); // the queue polls meanwhile and must not start the waiting job
      expect((await jobsOf(store, mappingId)).map((job) => job.status)).toEqual(['RUNNING', 'QUEUED']);

      runner.finish(running.jobId);
      await runner.started(waiting.jobId);
      runner.finish(waiting.jobId);
      await waitForStatus(store, waiting.jobId, 'SUCCEEDED');
      expect((await jobRow(store, running.jobId)).status).toBe('SUCCEEDED');
      expect(runner.runs.map((run) => run.jobId)).toEqual([running.jobId, waiting.jobId]);
      expect(runner.maxConcurrent(mappingId)).toBe(1);
    });

    it('widens the waiting job: full wins, retry scopes merge, a normal run covers a retry', async () => {
      const queue = queueWith(new ControlledRunner().runJob);
      const plain = await createMapping(store);
      const { jobId } = await queue.enqueue(plain, { trigger: 'SCHEDULE' });
      expect(await queue.enqueue(plain, { trigger: 'MANUAL', full: true })).toEqual({ jobId, alreadyQueued: true });
      await queue.enqueue(plain, { trigger: 'SCHEDULE', full: false });
      expect((await jobRow(store, jobId)).full).toBe(true);

      const retried = await createMapping(store);
      const retry = await queue.enqueue(retried, { trigger: 'RETRY', scope: [3, 1] });
      await queue.enqueue(retried, { trigger: 'RETRY', scope: [2, 3] });
      expect(await jobRow(store, retry.jobId)).toMatchObject({ trigger: 'RETRY', scope: '[1,2,3]' });
      await queue.enqueue(retried, { trigger: 'MANUAL' });
      expect(await jobRow(store, retry.jobId)).toMatchObject({ trigger: 'MANUAL', scope: null });

      const normal = await createMapping(store);
      const run = await queue.enqueue(normal, { trigger: 'MANUAL' });
      expect(await queue.enqueue(normal, { trigger: 'RETRY', scope: [7] })).toEqual({
        jobId: run.jobId,
        alreadyQueued: true,
      });
      expect(await jobRow(store, run.jobId)).toMatchObject({ trigger: 'MANUAL', scope: null });
    });

    it('refuses a run of a mapping that does not exist', async () => {
      const queue = queueWith(new ControlledRunner().runJob);
      await expect(queue.enqueue(987_654, { trigger: 'MANUAL' })).rejects.toMatchObject({ code: 'MAPPING_NOT_FOUND' });
    });

    it('cancels a waiting job at once; it never runs', async () => {
      const mappingId = await createMapping(store);
      const runner = new ControlledRunner(0);
      const queue = queueWith(runner.runJob);
      const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      expect(await queue.cancel(jobId)).toEqual({ jobId, outcome: 'CANCELLED' });
      const row = await jobRow(store, jobId);
      expect(row).toMatchObject({ status: 'CANCELLED', startedAt: null });
      expect(row.finishedAt).toEqual(expect.any(Number));
      expect(events.statusesOf(jobId)).toEqual(['QUEUED', 'CANCELLED']);

      await queue.start();
      await sleep(200);
      expect(runner.runs).toEqual([]);
      // The mapping has no waiting job any more, so the next request queues a new one.
      const next = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      expect(next.alreadyQueued).toBe(false);
      await waitForStatus(store, next.jobId, 'SUCCEEDED');
      expect(await queue.cancel(next.jobId)).toEqual({ jobId: next.jobId, outcome: 'ALREADY_FINISHED' });
      expect(await queue.cancel(123_456_789)).toEqual({ jobId: 123_456_789, outcome: 'NOT_FOUND' });
    });

    it('asks a running job to stop, here or from another process, and records the outcome it returns', async () => {
      const sawCancel = new Set<number>();
      const working = new Set<number>();
      const untilCancelled: RunJob = async (run) => {
        const counters = emptyCounters();
        while (!(await run.isCancelRequested())) {
          counters.processed += 1;
          run.onProgress(counters);
          working.add(run.jobId);
          await sleep(20);
        }
        sawCancel.add(run.jobId);
        return { status: 'CANCELLED', counters, message: 'cancelled by request' };
      };
      const queue = queueWith(untilCancelled);
      await queue.start();
      // A second queue that is never started stands for an API process on the same database.
      const elsewhere = queueWith(untilCancelled);

      for (const canceller of [queue, elsewhere]) {
        const mappingId = await createMapping(store);
        const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
        await waitForStatus(store, jobId, 'RUNNING');
        // Cancelled once it has done some work (on a busy machine the row can say RUNNING before the run
        // has begun, and a run cancelled before its first batch rightly processed nothing).
        await waitFor('the job to make progress', () => working.has(jobId));
        expect(await canceller.cancel(jobId)).toEqual({ jobId, outcome: 'CANCEL_REQUESTED' });
        const row = await waitForStatus(store, jobId, 'CANCELLED');
        expect(row.message).toBe('cancelled by request');
        expect(row.processed).toBeGreaterThan(0);
        expect(sawCancel.has(jobId)).toBe(true);
        // The event follows the row's update: on a busy machine it may arrive a moment after the row says so.
        await waitFor('the CANCELLED event', () => events.statusesOf(jobId).includes('CANCELLED'));
        expect(events.statusesOf(jobId)).toEqual(['QUEUED', 'RUNNING', 'CANCELLED']);
      }
    });

    it('announces every status change in order and at most 4 progress events a second', async () => {
      const mappingId = await createMapping(store);
      let storedMidRun = -1;
      let duration = 0;
      const chatty: RunJob = async (run) => {
        const began = Date.now();
        const counters = emptyCounters();
        for (let batch = 1; batch <= 100; batch++) {
          counters.processed = batch;
          counters.modified = batch;
          run.onProgress({ ...counters });
          if (batch === 60) storedMidRun = (await jobRow(store, run.jobId)).processed;
          await sleep(10);
        }
        duration = Date.now() - began;
        return { status: 'SUCCEEDED', counters, message: null } satisfies SyncOutcome;
      };
      const queue = queueWith(chatty);
      await queue.start();
      const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      const row = await waitForStatus(store, jobId, 'SUCCEEDED');
      await waitFor('the SUCCEEDED event', () => events.statusesOf(jobId).includes('SUCCEEDED'));
      expect(events.statusesOf(jobId)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
      const progress = events
        .of(jobId)
        .filter((job) => job.status === 'RUNNING')
        .slice(1);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress.length).toBeLessThanOrEqual(Math.ceil(duration / 250) + 1);
      const processed = progress.map((job) => job.processed);
      expect(processed).toEqual([...processed].sort((a, b) => a - b));
      expect(storedMidRun).toBeGreaterThan(0); // progress reaches the row while the job runs
      expect(events.of(jobId).at(-1)).toMatchObject({ status: 'SUCCEEDED', processed: 100, modified: 100 });
      expect(row).toMatchObject({ processed: 100, modified: 100 });
      expect(row.startedAt).toBeLessThanOrEqual(row.finishedAt!);
    });

    it('runs mappings side by side up to the concurrency, never one mapping twice', async () => {
      const runner = new ControlledRunner(80);
      const queue = queueWith(runner.runJob, { concurrency: 2 });
      await queue.start();
      const mappings = [await createMapping(store), await createMapping(store), await createMapping(store)];
      const jobIds: number[] = [];
      for (const mappingId of mappings) jobIds.push((await queue.enqueue(mappingId, { trigger: 'MANUAL' })).jobId);
      for (const mappingId of mappings) {
        await waitFor('the first runs to start', () => runner.runs.some((run) => run.mappingId === mappingId));
        jobIds.push((await queue.enqueue(mappingId, { trigger: 'MANUAL' })).jobId);
      }
      for (const jobId of jobIds) await waitForStatus(store, jobId, 'SUCCEEDED');
      expect(runner.runs).toHaveLength(6);
      expect(runner.maxConcurrent()).toBeLessThanOrEqual(2);
      expect(runner.maxConcurrent()).toBe(2);
      for (const mappingId of mappings) expect(runner.maxConcurrent(mappingId)).toBe(1);
    });

    it('fails a job whose run throws, and goes on with the next', async () => {
      const mappingId = await createMapping(store);
      let calls = 0;
      const queue = queueWith(async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return succeeded();
      });
      await queue.start();
      const first = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      expect(await waitForStatus(store, first.jobId, 'FAILED')).toMatchObject({ message: 'the job failed: boom' });
      const second = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
      await waitForStatus(store, second.jobId, 'SUCCEEDED');
    });

    it('closes gracefully: a running job finishes, a late one is asked to cancel, leases are released', async () => {
      const quick = await createMapping(store);
      const slow = await createMapping(store);
      const stubborn: RunJob = async (run) => {
        if (run.mappingId === quick) {
          await sleep(150);
          return succeeded();
        }
        while (!(await run.isCancelRequested())) await sleep(20);
        return { status: 'CANCELLED', counters: emptyCounters(), message: 'stopped by close' };
      };
      const queue = queueWith(stubborn, { closeTimeoutMs: 400 });
      await queue.start();
      const quickJob = await queue.enqueue(quick, { trigger: 'MANUAL' });
      const slowJob = await queue.enqueue(slow, { trigger: 'MANUAL' });
      await waitForStatus(store, quickJob.jobId, 'RUNNING');
      await waitForStatus(store, slowJob.jobId, 'RUNNING');
      await queue.close({ graceful: true });
      expect((await jobRow(store, quickJob.jobId)).status).toBe('SUCCEEDED');
      expect(await jobRow(store, slowJob.jobId)).toMatchObject({ status: 'CANCELLED', message: 'stopped by close' });
      expect(await readMappingLease(store.em(), quick)).toBeNull();
      expect(await readMappingLease(store.em(), slow)).toBeNull();
      // Closed: a job queued now waits for a running queue.
      const later = await queue.enqueue(quick, { trigger: 'MANUAL' });
      await sleep(150);
      expect((await jobRow(store, later.jobId)).status).toBe('QUEUED');
      await queue.cancel(later.jobId);
    });

    it('runs a mapping on its schedule, never one with schedule 0 or a disabled one', async () => {
      const every = await createMapping(store, { scheduleSeconds: 1 });
      const byHand = await createMapping(store, { scheduleSeconds: 0 });
      const disabled = await createMapping(store, { scheduleSeconds: 1, enabled: false });
      const queue = queueWith(new ControlledRunner(10).runJob);
      await queue.start();
      await sleep(2300);
      const scheduled = async (mappingId: number) =>
        (await jobsOf(store, mappingId)).filter((job) => job.trigger === 'SCHEDULE').length;
      // Checked at start, then every second.
      expect(await scheduled(every)).toBeGreaterThanOrEqual(2);
      expect(await scheduled(every)).toBeLessThanOrEqual(4);
      expect(await scheduled(byHand)).toBe(0);
      expect(await scheduled(disabled)).toBe(0);

      // The mapping row is the source of truth: change it, then tell the queue.
      await saveTableMapping(store.em(), mappingInput({ name: await mappingName(store, byHand), scheduleSeconds: 1 }));
      await queue.setSchedule(byHand, 1);
      await saveTableMapping(
        store.em(),
        mappingInput({ name: await mappingName(store, every), scheduleSeconds: 1, enabled: false }),
      );
      await queue.removeSchedule(every);
      const everyBefore = await scheduled(every);
      await sleep(1300);
      expect(await scheduled(byHand)).toBeGreaterThanOrEqual(1);
      expect(await scheduled(every)).toBe(everyBefore);
    });

    it('applies a mapping changed through updateTableMapping at once, and never runs a disabled one', async () => {
      const changed = await createMapping(store, { scheduleSeconds: 0 });
      const disabled = await createMapping(store, { scheduleSeconds: 1, enabled: false });
      const queue = queueWith(new ControlledRunner(10).runJob);
      await queue.start();
      const scheduled = async (mappingId: number) =>
        (await jobsOf(store, mappingId)).filter((job) => job.trigger === 'SCHEDULE');
      // No filter changes, so no app is needed: the queue is the only service the schedule goes through.
      const services = { connectors: new Map(), queue };

      await updateTableMapping(store.em(), changed, { scheduleSeconds: 1 }, services);
      const first = await waitFor('a scheduled job', async () => (await scheduled(changed))[0]);
      expect(first.requestedBy).toBeNull();

      // The row is the source of truth: a disabled mapping is not run, whatever the queue was told.
      await queue.setSchedule(disabled, 1);
      await updateTableMapping(store.em(), changed, { enabled: false }, services);
      const before = (await scheduled(changed)).length;
      await sleep(1300);
      expect(await scheduled(changed)).toHaveLength(before);
      expect(await scheduled(disabled)).toHaveLength(0);
    });
  });
}
