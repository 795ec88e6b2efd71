import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { QueueUnavailableError } from '../../src/errors/queue-unavailable.error.js';
import { dispatchJobId, SCHEDULES_QUEUE, SYNC_JOBS_QUEUE } from '../../src/jobs/bullmq/bullmq-names.js';
import { BullMqQueue, type BullMqQueueOptions } from '../../src/jobs/bullmq/bullmq-queue.js';
import type { RunJob } from '../../src/jobs/job-queue.js';
import { acquireMappingLease, releaseMappingLease } from '../../src/jobs/mapping-lease.js';
import {
  claimSyncJob,
  enqueueSyncJob,
  INTERRUPTED_MESSAGE,
  recoverInterruptedJobs,
} from '../../src/jobs/sync-job.repository.js';
import { saveTableMapping } from '../../src/mappings/table-mapping.repository.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { describeJobQueueConformance } from './job-queue.conformance.js';
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
  waitFor,
  waitForStatus,
} from './job-test-kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const usedPrefixes = new Set<string>();
afterAll(async () => deleteKeys(usedPrefixes));

// One prefix per store (each database of the conformance suite gets its own), shared by that store's queues:
// the queues of one test are processes of one deployment, the two databases two deployments.
const prefixes = new Map<Store, string>();
const prefixOf = (store: Store): string => {
  let prefix = prefixes.get(store);
  if (!prefix) {
    prefix = uniquePrefix('bullmq');
    prefixes.set(store, prefix);
    usedPrefixes.add(prefix);
  }
  return prefix;
};

describeJobQueueConformance(
  'bullmq',
  ({ store, events, workerId, runJob, concurrency, closeTimeoutMs }) =>
    new BullMqQueue({
      context: { store, events, workerId, connectors: new Map() },
      runJob,
      redis: REDIS_URL,
      prefix: prefixOf(store),
      concurrency,
      closeTimeoutMs,
      leaseTtlMs: 3000,
      progressIntervalMs: 250,
      leaseRetryDelayMs: 100,
      sweepIntervalMs: 200,
    }),
);

describe.each(DIALECTS)('bullmq queue specifics on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  let events: JobEvents;
  let prefix: string;
  let inspector: Redis;
  /** The deployment's two BullMQ queues, as any process sees them: to look at what the driver put in Redis. */
  let dispatches: Queue;
  let ticks: Queue;
  const queues: BullMqQueue[] = [];
  const queueWith = (workerId: string, runJob: RunJob, options: Partial<BullMqQueueOptions> = {}) => {
    const queue = new BullMqQueue({
      context: { store, events: events.bus, workerId, connectors: new Map() },
      runJob,
      redis: REDIS_URL,
      prefix,
      leaseTtlMs: 3000,
      leaseRetryDelayMs: 100,
      sweepIntervalMs: 200,
      // BullMQ rate-limits its stalled check per queue by whoever ran it last, so every process of a
      // deployment (and the killed worker's fixture) uses the same short interval.
      lockDurationMs: 1000,
      stalledIntervalMs: 300,
      ...options,
    });
    queues.push(queue);
    return queue;
  };

  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'bullmq');
    store = await createStore({ url: db.url });
    prefix = uniquePrefix('bullmq-specifics');
    usedPrefixes.add(prefix);
    inspector = new Redis(REDIS_URL);
    dispatches = new Queue(SYNC_JOBS_QUEUE, { connection: inspector, prefix });
    ticks = new Queue(SCHEDULES_QUEUE, { connection: inspector, prefix });
  });
  beforeEach(() => {
    events = new JobEvents();
  });
  afterEach(async () => {
    await closeQueuesAndClear(store, queues);
  });
  afterAll(async () => {
    await dispatches?.close();
    await ticks?.close();
    inspector?.disconnect();
    await store?.close();
    await db?.drop();
  });

  it('dispatches each waiting row once, as sync-job-<id>, and takes a cancelled one out of Redis', async () => {
    const mappingId = await createMapping(store);
    const api = queueWith('api', new ControlledRunner().runJob, { worker: false });
    const { jobId } = await api.enqueue(mappingId, { trigger: 'MANUAL' });
    await api.enqueue(mappingId, { trigger: 'SCHEDULE', full: true });
    const dispatch = await dispatches.getJob(dispatchJobId(jobId));
    expect(dispatch?.data).toEqual({ jobId, mappingId });
    expect(await dispatch?.getState()).toBe('waiting');
    expect(await dispatches.getWaitingCount()).toBe(1);
    expect(await api.cancel(jobId)).toEqual({ jobId, outcome: 'CANCELLED' });
    expect(await dispatches.getJob(dispatchJobId(jobId))).toBeUndefined();
  });

  it('lets an API-only process (worker: false) enqueue and never run; a worker process runs the job', async () => {
    const mappingId = await createMapping(store);
    const runner = new ControlledRunner(0);
    const api = queueWith('api', runner.runJob, { worker: false });
    await api.start();
    const { jobId } = await api.enqueue(mappingId, { trigger: 'MANUAL' });
    await sleep(300);
    expect((await jobRow(store, jobId)).status).toBe('QUEUED');
    const other = new ControlledRunner(0);
    await queueWith('worker', other.runJob).start();
    expect(await waitForStatus(store, jobId, 'SUCCEEDED')).toMatchObject({ workerId: 'worker' });
    expect(runner.runs).toEqual([]);
    expect(other.runs.map((run) => run.jobId)).toEqual([jobId]);
  });

  it('puts a dispatch back, delayed, while another process holds the mapping lease, and runs it once free', async () => {
    const mappingId = await createMapping(store);
    await acquireMappingLease(store.em(), { mappingId, owner: 'elsewhere', ttlMs: 60_000 });
    const runner = new ControlledRunner(0);
    const queue = queueWith('patient', runner.runJob);
    await queue.start();
    const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
    await waitFor('the dispatch to be postponed', async () => {
      return (await (await dispatches.getJob(dispatchJobId(jobId)))?.getState()) === 'delayed';
    });
    await sleep(400);
    expect((await jobRow(store, jobId)).status).toBe('QUEUED');
    expect(runner.runs).toEqual([]);
    await releaseMappingLease(store.em(), mappingId, 'elsewhere');
    await waitForStatus(store, jobId, 'SUCCEEDED');
  });

  it('dispatches QUEUED rows that Redis lacks (queued without Redis, or lost with its data)', async () => {
    const mappingId = await createMapping(store);
    const stored = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL' });
    const queue = queueWith('repairer', new ControlledRunner(0).runJob);
    await queue.start();
    await waitForStatus(store, stored!.job.id, 'SUCCEEDED');
  });

  it("keeps each mapping's schedule as a BullMQ job scheduler, following the mapping row", async () => {
    const every5 = await createMapping(store, { scheduleSeconds: 5 });
    const disabled = await createMapping(store, { scheduleSeconds: 1, enabled: false });
    const api = queueWith('api', new ControlledRunner(0).runJob, { worker: false });
    const worker = queueWith('worker', new ControlledRunner(0).runJob);
    await worker.start();
    expect(await ticks.getJobScheduler(`mapping-${every5}`)).toMatchObject({ every: 5000 });
    expect(await ticks.getJobScheduler(`mapping-${disabled}`)).toBeUndefined();
    // An API process sets a schedule for the whole deployment.
    await saveTableMapping(store.em(), mappingInput({ name: await mappingName(store, every5), scheduleSeconds: 7 }));
    await api.setSchedule(every5, 7);
    expect(await ticks.getJobScheduler(`mapping-${every5}`)).toMatchObject({ every: 7000 });
    // Set for a disabled mapping, the scheduler is removed at its first tick, which asks for no run.
    await api.setSchedule(disabled, 1);
    await waitFor('the scheduler of the disabled mapping to go', async () => {
      return (await ticks.getJobScheduler(`mapping-${disabled}`)) === undefined;
    });
    expect(await jobsOf(store, disabled)).toEqual([]);
    // Redis lost it: the mappings are the source of truth and bring it back.
    await ticks.removeJobScheduler(`mapping-${every5}`);
    await worker.syncSchedules();
    expect(await ticks.getJobScheduler(`mapping-${every5}`)).toMatchObject({ every: 7000 });
    await api.removeSchedule(every5);
    expect(await ticks.getJobScheduler(`mapping-${every5}`)).toBeUndefined();
  });

  it("fails a killed worker's job as interrupted within the lease time, and another worker runs the mapping again", async () => {
    const mappingId = await createMapping(store);
    const leaseTtlMs = 1500;
    const doomed = startWorkerProcess([db.url, REDIS_URL, prefix, 'doomed', String(leaseTtlMs)]);
    try {
      await doomed.printed('ready');
      const api = queueWith('api', new ControlledRunner().runJob, { worker: false });
      const { jobId } = await api.enqueue(mappingId, { trigger: 'MANUAL', full: true, requestedBy: 'ada' });
      await doomed.printed(`running ${jobId}`);
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      const killedAt = Date.now();

      const runner = new ControlledRunner(0);
      await queueWith('survivor', runner.runJob, { leaseTtlMs }).start();
      const failed = await waitForStatus(store, jobId, 'FAILED');
      expect(failed).toMatchObject({ message: INTERRUPTED_MESSAGE, workerId: 'doomed' });
      expect(Date.now() - killedAt).toBeLessThan(leaseTtlMs + 2000);
      const rerun = await waitFor('the mapping to run again', async () =>
        (await jobsOf(store, mappingId)).find((job) => job.id !== jobId && job.status === 'SUCCEEDED'),
      );
      expect(rerun).toMatchObject({ trigger: 'MANUAL', full: true, requestedBy: 'ada', workerId: 'survivor' });
      expect(runner.runs.map((run) => run.jobId)).toEqual([rerun.id]);
      await waitFor('the FAILED event', () => events.statusesOf(jobId).includes('FAILED'));
    } finally {
      doomed.child.kill('SIGKILL');
    }
  });

  it('re-runs an interrupted job once, however often its dispatch is delivered', async () => {
    const mappingId = await createMapping(store);
    // A worker that took the job ten seconds ago and died: its one-second lease ran out long since.
    const tookAt = Date.now() - 10_000;
    const stored = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL', full: true, requestedBy: 'ada' });
    const jobId = stored!.job.id;
    await acquireMappingLease(store.em(), { mappingId, owner: 'ghost', ttlMs: 1000, jobId, now: tookAt });
    expect(await claimSyncJob(store.em(), { jobId, workerId: 'ghost', now: tookAt + 1 })).not.toBeNull();
    expect(await recoverInterruptedJobs(store.em())).toEqual([jobId]);

    const runner = new ControlledRunner(0);
    await queueWith('heir', runner.runJob).start();
    const deliver = () =>
      dispatches.add(
        'run',
        { jobId, mappingId },
        { jobId: dispatchJobId(jobId), removeOnComplete: true, removeOnFail: true },
      );
    const processed = () =>
      waitFor(
        'the dispatch to be processed',
        async () => (await dispatches.getJob(dispatchJobId(jobId))) === undefined,
      );
    await deliver();
    await processed();
    const [rerun] = (await jobsOf(store, mappingId)).filter((job) => job.id !== jobId);
    expect(rerun).toMatchObject({ trigger: 'MANUAL', full: true, requestedBy: 'ada' });
    await waitForStatus(store, rerun!.id, 'SUCCEEDED');
    expect(await jobRow(store, jobId)).toMatchObject({ status: 'FAILED', rerunJobId: rerun!.id });

    // Delivered again after its re-run finished, as BullMQ does with a dispatch whose lock it lost.
    await deliver();
    await processed();
    expect((await jobsOf(store, mappingId)).map((job) => job.id).sort((a, b) => a - b)).toEqual([jobId, rerun!.id]);
    expect(runner.runs.map((run) => run.jobId)).toEqual([rerun!.id]);
  });

  it('gives up at close on runs that ignore cancellation; another worker recovers them and re-runs the mapping no person stopped', async () => {
    const mappingId = await createMapping(store);
    const stoppedByHand = await createMapping(store);
    const leaseTtlMs = 1500;
    const stubborn = queueWith('stubborn', () => new Promise(() => {}), { leaseTtlMs, closeTimeoutMs: 200 });
    await stubborn.start();
    const { jobId } = await stubborn.enqueue(mappingId, { trigger: 'SCHEDULE' });
    const cancelled = await stubborn.enqueue(stoppedByHand, { trigger: 'MANUAL' });
    await waitForStatus(store, jobId, 'RUNNING');
    await waitForStatus(store, cancelled.jobId, 'RUNNING');
    expect((await stubborn.cancel(cancelled.jobId)).outcome).toBe('CANCEL_REQUESTED');
    const closing = Date.now();
    await stubborn.close({ graceful: true });
    expect(Date.now() - closing).toBeLessThan(2000);
    // Asked to stop by the closing process only: the row does not say a person wanted it stopped.
    expect(await jobRow(store, jobId)).toMatchObject({ status: 'RUNNING', cancelRequested: false });

    const runner = new ControlledRunner(0);
    await queueWith('heir', runner.runJob, { leaseTtlMs }).start();
    expect(await waitForStatus(store, jobId, 'FAILED')).toMatchObject({ message: INTERRUPTED_MESSAGE });
    expect(await waitForStatus(store, cancelled.jobId, 'FAILED')).toMatchObject({ message: INTERRUPTED_MESSAGE });
    const rerun = await waitFor('the mapping to run again', async () =>
      (await jobsOf(store, mappingId)).find((job) => job.id !== jobId && job.status === 'SUCCEEDED'),
    );
    expect(rerun).toMatchObject({ trigger: 'SCHEDULE', workerId: 'heir' });
    await sleep(500); // the cancelled job's dispatch has been delivered again by now, and must start nothing
    expect(await jobsOf(store, stoppedByHand)).toHaveLength(1);
  });

  it('refuses a run at once with QUEUE_UNAVAILABLE when Redis refuses connections, and stores nothing', async () => {
    const mappingId = await createMapping(store);
    const reported: unknown[] = [];
    const queue = queueWith('cut-off', new ControlledRunner(0).runJob, {
      redis: 'redis://127.0.0.1:1',
      onError: (error) => reported.push(error),
    });
    const began = Date.now();
    const refused = await queue.enqueue(mappingId, { trigger: 'MANUAL' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(QueueUnavailableError);
    expect(refused).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    expect((refused as Error).message).toMatch(
      /^the job queue is unavailable: Redis at 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect(Date.now() - began).toBeLessThan(2000);
    expect(await jobsOf(store, mappingId)).toEqual([]);
    // The schedule lives in the mapping row; setting it while Redis is away is reported, not thrown.
    await queue.setSchedule(mappingId, 60);
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every((error) => error instanceof QueueUnavailableError)).toBe(true);
  });

  it('picks jobs up again when Redis comes back, and reports the outage once', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(REDIS_URL).port || 6379));
    try {
      const reported: unknown[] = [];
      const told: string[] = [];
      const ignore = () => {};
      const logger = { debug: ignore, info: (message: string) => told.push(message), warn: ignore, error: ignore };
      const runner = new ControlledRunner(0);
      const worker = queueWith('reconnecting', runner.runJob, {
        redis: proxy.url,
        logger,
        onError: (error) => reported.push(error),
      });
      await worker.start();
      const before = await createMapping(store);
      const first = await worker.enqueue(before, { trigger: 'MANUAL' });
      await waitForStatus(store, first.jobId, 'SUCCEEDED');

      await proxy.down();
      const mappingId = await createMapping(store);
      await waitFor('the outage to be noticed', () => !worker.isRedisReady());
      await expect(worker.enqueue(mappingId, { trigger: 'MANUAL' })).rejects.toMatchObject({
        code: 'QUEUE_UNAVAILABLE',
      });
      // Another process still reaches Redis: its job waits for a worker.
      const api = queueWith('api', new ControlledRunner().runJob, { worker: false });
      const { jobId } = await api.enqueue(mappingId, { trigger: 'MANUAL' });
      await sleep(1000);
      expect((await jobRow(store, jobId)).status).toBe('QUEUED');

      await proxy.up();
      await waitForStatus(store, jobId, 'SUCCEEDED');
      expect(runner.runs.map((run) => run.jobId)).toEqual([first.jobId, jobId]);
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.length).toBeLessThanOrEqual(3);
      // The job can run through the workers' connection before the producer's own reconnect is told.
      await waitFor('the reconnection to be told', () => told.includes('the job queue is available again'));
      expect(told).toContain('job started'); // the shared runner logs each job through the queue's logger
    } finally {
      await proxy.down();
    }
  });
});

/** The fixture worker (fixtures/bullmq-worker.ts) in a process of its own, and the lines it printed. */
function startWorkerProcess(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'bullmq-worker.ts'), ...args], {
    cwd: join(here, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const printed = (line: string) =>
    waitFor(`the worker process to print "${line}"`, () => lines.includes(line), 30_000);
  return { child, exited, printed };
}
