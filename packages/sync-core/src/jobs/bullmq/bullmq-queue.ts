import { Queue, Worker } from 'bullmq';
import type { Store } from '../../db/orm.js';
import { runSync } from '../../engine/run-sync.js';
import type { SyncContext } from '../../engine/sync-context.js';
import type { SyncJob } from '../../entities/sync-job.entity.js';
import { MappingNotFoundError } from '../../errors/mapping-not-found.error.js';
import type { EventPublisher, SyncJobSnapshot } from '../../events/event-publisher.js';
import { consoleLogger, type Logger } from '../../logging/logger.js';
import type { CancelResult, EnqueueResult, JobQueue, RunJob } from '../job-queue.js';
import type { JobRunnerDeps } from '../job-runner.js';
import { DEFAULT_LEASE_TTL_MS } from '../mapping-lease.js';
import {
  cancelSyncJob,
  type EnqueueJobInput,
  enqueueSyncJob,
  loadSyncJob,
  parseScope,
  type RunRequest,
  recordRerun,
  recoverInterruptedJobs,
  toSyncJobSnapshot,
} from '../sync-job.repository.js';
import { waitAtMost } from '../wait-at-most.js';
import { BullMqDispatches } from './bullmq-dispatches.js';
import {
  DEFAULT_PREFIX,
  type DispatchData,
  SCHEDULES_QUEUE,
  type ScheduleTickData,
  SYNC_JOBS_QUEUE,
} from './bullmq-names.js';
import { BullMqSchedules } from './bullmq-schedules.js';
import { RedisClients, type RedisSource } from './redis-clients.js';
import { SyncJobProcessor } from './sync-job-processor.js';

export interface BullMqQueueOptions {
  /** The store, the event publisher and this process's worker id; the default `runJob` hands it to the engine. */
  context: SyncContext;
  /** Runs one job; default `(run) => runSync(context, run)`. The API hands it the job-thread pool's. */
  runJob?: RunJob;
  /** A `redis://` or `rediss://` URL, or an ioredis client (which stays the caller's to close). */
  redis: RedisSource;
  /** The deployment's key prefix: every key is `<prefix>:sync-jobs:…` or `<prefix>:sync-schedules:…`. Default `tandem`. */
  prefix?: string;
  /**
   * Whether this process works jobs and schedule ticks; default true. An API-only process (false) enqueues,
   * cancels and sets schedules, and `start()` does nothing.
   */
  worker?: boolean;
  /** Jobs this process runs side by side at most; default 2. One mapping never runs twice regardless. */
  concurrency?: number;
  /** Lease lifetime without renewal; renewed every third of it while a job runs. Default 30 s. */
  leaseTtlMs?: number;
  /** Minimum gap between two progress writes and events of one job; default 250 ms (4 per second). */
  progressIntervalMs?: number;
  /** On close: how long running jobs may go on before they are asked to cancel, and then to stop. Default 30 s. */
  closeTimeoutMs?: number;
  /** How soon a dispatch whose mapping is busy looks again; default 1 s (a finished run promotes it at once). */
  leaseRetryDelayMs?: number;
  /** How often a worker recovers interrupted jobs and dispatches QUEUED rows Redis lacks; default 5 s. */
  sweepIntervalMs?: number;
  /** How often a worker makes the job schedulers match the mappings; default 60 s. */
  scheduleRefreshMs?: number;
  /** BullMQ's lock on a dispatch being worked (renewed at half of it); default 30 s. */
  lockDurationMs?: number;
  /** How often BullMQ looks for dispatches whose worker lost its lock (died); default 30 s. */
  stalledIntervalMs?: number;
  /** How long a call waits for a first connection to Redis before it reports it unavailable; default 3 s. */
  connectTimeoutMs?: number;
  /**
   * Where the queue and its jobs log (a job's lines carry its id and mapping); default: failures to stderr,
   * nothing else.
   */
  logger?: Logger;
  /** Where failures of the queue itself go (Redis away, a lost database connection…); default the logger's `error`. */
  onError?: (error: unknown) => void;
}

type State = 'new' | 'started' | 'closing' | 'closed';

/** How long closing BullMQ's workers and queues may wait for Redis before their connections are dropped. */
const CLOSE_CONNECTIONS_TIMEOUT_MS = 5000;

/**
 * The job queue on BullMQ (Redis), for many processes. `sync_job` stays the record of every job, as in
 * every driver: BullMQ only carries dispatches (one per QUEUED row, BullMQ job id `sync-job-<row id>`) and
 * schedule ticks (one job scheduler per mapping). Rows are written by the repository's functions, leases
 * are taken per mapping, and claimed jobs run through the shared runner — exactly as the in-process driver
 * does; what BullMQ adds is delivery across processes, stalled-dispatch recovery and schedules kept once
 * per deployment. docs/JOBS.md maps each guarantee of the interface onto it.
 */
export class BullMqQueue implements JobQueue {
  private readonly store: Store;
  private readonly events: EventPublisher;
  private readonly workerId: string;
  private readonly isWorker: boolean;
  private readonly concurrency: number;
  private readonly closeTimeoutMs: number;
  private readonly sweepIntervalMs: number;
  private readonly scheduleRefreshMs: number;
  private readonly lockDurationMs: number;
  private readonly stalledIntervalMs: number;
  private readonly connectTimeoutMs: number;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly reportError: (error: unknown) => void;

  private readonly redis: RedisClients;
  private readonly dispatches: BullMqDispatches;
  private readonly ticks: Queue<ScheduleTickData>;
  private readonly schedules: BullMqSchedules;
  private readonly processor: SyncJobProcessor;
  private jobWorker: Worker<DispatchData> | null = null;
  private tickWorker: Worker<ScheduleTickData> | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private state: State = 'new';

  constructor(options: BullMqQueueOptions) {
    const { context } = options;
    this.store = context.store;
    this.events = context.events;
    this.workerId = context.workerId;
    this.isWorker = options.worker ?? true;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.scheduleRefreshMs = options.scheduleRefreshMs ?? 60_000;
    this.lockDurationMs = options.lockDurationMs ?? 30_000;
    this.stalledIntervalMs = options.stalledIntervalMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.logger = options.logger ?? consoleLogger('tandem jobs');
    this.reportError = options.onError ?? ((error) => this.logger.error('job queue failure', { err: error }));

    this.redis = new RedisClients(options.redis, this.reportError, (where) => {
      this.logger.info('the job queue is available again', { redis: where });
    });
    this.dispatches = new BullMqDispatches(this.store, this.redis, this.prefix);
    this.ticks = new Queue<ScheduleTickData>(SCHEDULES_QUEUE, { connection: this.redis.producer, prefix: this.prefix });
    for (const queue of [this.dispatches.queue, this.ticks]) queue.on('error', (error) => this.redis.report(error));
    // Redis is back (or up for the first time since a start without it), perhaps without its data: a
    // worker puts back what the store says should be there instead of waiting for the next sweep.
    this.redis.producer.on('ready', () => {
      if (this.state === 'started' && this.isWorker) this.restoreRedisState();
    });

    const runner: JobRunnerDeps = {
      store: this.store,
      workerId: this.workerId,
      runJob: options.runJob ?? ((run) => runSync(context, run)),
      leaseTtlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
      progressIntervalMs: options.progressIntervalMs ?? 250,
      publish: (job) => this.publish(job),
      reportError: this.reportError,
      logger: this.logger,
    };
    this.processor = new SyncJobProcessor({
      runner,
      retryDelayMs: options.leaseRetryDelayMs ?? 1000,
      publishStored: (jobId) => this.publishStored(jobId),
      rerun: (job) => this.rerun(job),
      promoteWaiting: (mappingId) => this.dispatches.promoteWaiting(mappingId),
    });
    this.schedules = new BullMqSchedules({
      store: this.store,
      queue: this.ticks,
      enqueueScheduled: async (mappingId, notQueuedSince) => {
        await this.enqueueJob({ mappingId, trigger: 'SCHEDULE', notQueuedSince });
      },
    });
  }

  /**
   * Stores the run (or widens the mapping's waiting one) and dispatches it. Throws `QueueUnavailableError`
   * while Redis cannot be reached — before anything is stored when the outage is known. After `close()`
   * the row is only stored: a running worker's sweep dispatches it.
   */
  async enqueue(mappingId: number, request: RunRequest): Promise<EnqueueResult> {
    const enqueued = await this.enqueueJob({ ...request, mappingId });
    // Without notQueuedSince the repository always returns a job.
    return enqueued!;
  }

  /**
   * Sets the mapping's job scheduler. The mapping row is already saved and is the source of truth, so
   * while Redis is away the change is reported, not thrown: every worker makes the schedulers match the
   * mappings again within `scheduleRefreshMs` of Redis returning.
   */
  async setSchedule(mappingId: number, seconds: number): Promise<void> {
    await this.reportingOutage(() => this.schedules.set(mappingId, seconds));
  }

  async removeSchedule(mappingId: number): Promise<void> {
    await this.reportingOutage(() => this.schedules.remove(mappingId));
  }

  /** Makes the job schedulers match the mappings now (a worker also does at start and every refresh). */
  async syncSchedules(): Promise<void> {
    await this.redis.whenReady(this.connectTimeoutMs);
    await this.schedules.sync();
  }

  /** A waiting job is cancelled in the row and its dispatch removed; a running one is flagged in its row. */
  async cancel(jobId: number): Promise<CancelResult> {
    const outcome = await cancelSyncJob(this.store.em(), jobId);
    if (outcome === 'CANCELLED') {
      await this.publishStored(jobId);
      if (this.state !== 'closed') await this.dispatches.remove(jobId);
    }
    if (outcome === 'CANCEL_REQUESTED') this.processor.markCancelRequested(jobId);
    return { jobId, outcome };
  }

  /**
   * A worker process: recovers the jobs this worker id left running before a restart (and any whose lease
   * ran out), makes the schedulers match the mappings, dispatches QUEUED rows Redis lacks, then works the
   * two queues. Redis being away does not fail the start: the workers connect when it returns.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'started';
    if (!this.isWorker) return;
    await this.recover(this.workerId);
    await this.syncSchedulesReporting();
    await this.dispatches.addQueued().catch((error) => this.redis.report(error));
    const workerOptions = {
      connection: this.redis.forWorkers(),
      prefix: this.prefix,
      name: this.workerId,
    };
    this.jobWorker = new Worker<DispatchData>(SYNC_JOBS_QUEUE, this.processor.process, {
      ...workerOptions,
      concurrency: this.concurrency,
      lockDuration: this.lockDurationMs,
      stalledInterval: this.stalledIntervalMs,
      // A dispatch is safe to deliver again (the row and the lease decide), so stalls never fail it.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.tickWorker = new Worker<ScheduleTickData>(SCHEDULES_QUEUE, this.schedules.tick, {
      ...workerOptions,
      concurrency: 1,
    });
    for (const worker of [this.jobWorker, this.tickWorker]) {
      worker.on('error', (error) => this.redis.report(error));
      worker.on('failed', (_job, error) => this.reportError(error));
    }
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepIntervalMs);
    this.refreshTimer = setInterval(() => this.syncSchedulesReporting(), this.scheduleRefreshMs);
  }

  async close(options: { graceful?: boolean } = {}): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.sweepTimer = this.refreshTimer = null;
    try {
      // No new dispatches from now on (one fetched meanwhile goes back); the running ones finish, are
      // cancelled, or are given up on.
      this.processor.stopTaking();
      await this.jobWorker?.pause(true);
      if (this.tickWorker) await this.closeWithin(this.tickWorker);
      if (this.jobWorker) {
        const { abandoned } = await this.processor.stop(options.graceful ?? true, this.closeTimeoutMs);
        // Forced only when a run was given up on: a normal close waits for BullMQ to record the finished ones.
        await this.closeWithin(this.jobWorker, abandoned);
      }
      await Promise.all([this.closeWithin(this.dispatches.queue), this.closeWithin(this.ticks)]);
    } finally {
      await this.redis.close();
      this.state = 'closed';
    }
  }

  /**
   * Closes a BullMQ worker or queue. A normal close says goodbye to Redis and waits for the answers, which
   * never come while Redis is away (ioredis holds the commands until it reconnects): then it is forced,
   * which drops the connections at once, and a close that still hangs is given up on after a while.
   */
  private async closeWithin(target: Worker | Queue, force = false): Promise<void> {
    const closing = target.close(force || !this.redis.isReady()).catch((error: unknown) => this.redis.report(error));
    if (!(await waitAtMost(closing, CLOSE_CONNECTIONS_TIMEOUT_MS))) {
      const what = `${target.name} ${target instanceof Worker ? 'worker' : 'queue'}`;
      this.reportError(this.redis.unavailable(`closing the ${what} did not finish; left behind`));
    }
  }

  /** Jobs this process runs right now (job id → mapping id); for health checks and tests. */
  runningJobs(): Map<number, number> {
    return this.processor.runningJobs();
  }

  /** Whether Redis answers commands now (for readiness checks). */
  isRedisReady(): boolean {
    return this.redis.isReady();
  }

  private async enqueueJob(input: EnqueueJobInput): Promise<EnqueueResult | null> {
    const dispatching = this.state !== 'closed';
    // Fail before storing anything while the outage is known: the caller is told, and no row waits unseen.
    if (dispatching) await this.redis.whenReady(this.connectTimeoutMs);
    const enqueued = await enqueueSyncJob(this.store.em(), input);
    if (!enqueued) return null;
    const { job, created } = enqueued;
    if (created) this.publish(toSyncJobSnapshot(job));
    // A waiting job is dispatched again too: a no-op while its dispatch exists, a repair if it went missing.
    if (dispatching) await this.dispatches.add(job.id, job.mappingId);
    return { jobId: job.id, alreadyQueued: !created };
  }

  /** A new run of an interrupted job's mapping, asked for as the interrupted one was; none for a deleted mapping. */
  private async rerun(job: SyncJob): Promise<void> {
    const request = {
      trigger: job.trigger,
      full: job.full,
      scope: parseScope(job.scope),
      requestedBy: job.requestedBy,
    };
    try {
      const rerun = await this.enqueueJob({ mappingId: job.mappingId, ...request });
      if (!rerun) return;
      // A dispatch delivered twice (BullMQ judged it stalled while it ran here) reaches this twice; the row
      // keeps the first re-run, and the second one finds it there (wasInterrupted) before it queues anything.
      const first = await recordRerun(this.store.em(), job.id, rerun.jobId);
      this.logger.info('interrupted job re-run', {
        jobId: job.id,
        mappingId: job.mappingId,
        rerunJobId: rerun.jobId,
        ...(first ? {} : { alreadyRerun: true }),
      });
    } catch (error) {
      if (!(error instanceof MappingNotFoundError)) throw error;
    }
  }

  private async syncSchedulesReporting(): Promise<void> {
    await this.syncSchedules().catch((error) => this.redis.report(error));
  }

  private restoreRedisState(): void {
    this.sweep();
    void this.syncSchedulesReporting();
  }

  /** Interrupted jobs and lost dispatches, on every worker: the two ways a job could otherwise wait forever. */
  private sweep(): void {
    this.recover()
      .then(() => this.dispatches.addQueued())
      .catch((error) => this.redis.report(error));
  }

  /**
   * Fails the RUNNING jobs whose worker is gone (its lease ran out) and announces them. A dispatch of one
   * that waits, postponed, is started now: it re-runs the mapping.
   */
  private async recover(restartedWorkerId?: string): Promise<void> {
    const ids = await recoverInterruptedJobs(this.store.em(), { restartedWorkerId });
    for (const jobId of ids) {
      this.logger.warn('job interrupted: its process stopped while it ran', { jobId });
      await this.publishStored(jobId);
      await this.dispatches.promote(jobId);
    }
  }

  /** Redis being away is reported, not thrown, where the row already holds what was asked. */
  private async reportingOutage(action: () => Promise<void>): Promise<void> {
    try {
      await this.redis.whenReady(this.connectTimeoutMs);
      await action();
    } catch (error) {
      this.redis.report(error);
    }
  }

  private async publishStored(jobId: number): Promise<void> {
    const job = await loadSyncJob(this.store.em(), jobId);
    if (job) this.publish(toSyncJobSnapshot(job));
  }

  private publish(job: SyncJobSnapshot): void {
    this.events.publish({ type: 'syncJobChanged', job: { ...job } });
  }
}
