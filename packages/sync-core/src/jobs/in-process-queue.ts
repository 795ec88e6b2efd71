import type { Store } from '../db/orm.js';
import { runSync } from '../engine/run-sync.js';
import type { SyncContext } from '../engine/sync-context.js';
import type { SyncJob } from '../entities/sync-job.entity.js';
import type { EventPublisher, SyncJobSnapshot } from '../events/event-publisher.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import type { CancelResult, EnqueueResult, JobQueue, RunJob } from './job-queue.js';
import { type JobRunnerDeps, newRunningJob, type RunningJob, runClaimedJob } from './job-runner.js';
import { acquireMappingLease, DEFAULT_LEASE_TTL_MS, releaseMappingLease } from './mapping-lease.js';
import { MappingScheduler } from './scheduler.js';
import {
  cancelSyncJob,
  claimSyncJob,
  type EnqueueJobInput,
  enqueueSyncJob,
  findStartableJobs,
  loadSyncJob,
  type RunRequest,
  recoverInterruptedJobs,
  toSyncJobSnapshot,
} from './sync-job.repository.js';
import { waitAtMost } from './wait-at-most.js';

export interface InProcessQueueOptions {
  /** The store, the event publisher and this process's worker id; the default `runJob` hands it to the engine. */
  context: SyncContext;
  /** Runs one job; default `(run) => runSync(context, run)`. */
  runJob?: RunJob;
  /** Mappings run side by side at most; default 2. One mapping never runs twice regardless. */
  concurrency?: number;
  /** How often the table is polled for jobs queued by other processes; default 1 s. */
  pollIntervalMs?: number;
  /** Lease lifetime without renewal; renewed every third of it while a job runs. Default 30 s. */
  leaseTtlMs?: number;
  /** Minimum gap between two progress writes and events of one job; default 250 ms (4 per second). */
  progressIntervalMs?: number;
  /** On close: how long running jobs may go on before they are asked to cancel, and then to stop. Default 30 s. */
  closeTimeoutMs?: number;
  /** Run the mappings' schedules in this process; default true. */
  schedules?: boolean;
  /** How often schedules are re-read from the mappings; default 60 s. */
  scheduleRefreshMs?: number;
  /**
   * Where the queue, its scheduler and its jobs log (a job's lines carry its id and mapping); default: failures
   * to stderr, nothing else.
   */
  logger?: Logger;
  /** Where failures of the queue itself go (a lost database connection during a poll…); default the logger's `error`. */
  onError?: (error: unknown) => void;
}

/** One job this process runs: its state, shared with the runner, and the promise of its end. */
interface ActiveJob extends RunningJob {
  done: Promise<void>;
}

type State = 'new' | 'started' | 'closing' | 'closed';

/**
 * Today's queue driver. Jobs live in `sync_job`, so they survive restarts and any process on the database may
 * run them; the per-mapping lease keeps one mapping to one job at a time across processes. Jobs enqueued
 * here start at once; jobs enqueued by other processes are found by polling.
 */
export class InProcessQueue implements JobQueue {
  private readonly store: Store;
  private readonly events: EventPublisher;
  private readonly workerId: string;
  private readonly runJob: RunJob;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseTtlMs: number;
  private readonly progressIntervalMs: number;
  private readonly closeTimeoutMs: number;
  private readonly scheduler: MappingScheduler | null;
  private readonly reportError: (error: unknown) => void;
  private readonly logger: Logger;

  private readonly runnerDeps: JobRunnerDeps;

  private state: State = 'new';
  private readonly active = new Map<number, ActiveJob>();
  private pollTimer: NodeJS.Timeout | null = null;
  /** The fill in progress; a kick during it asks for one more pass instead of a second fill. */
  private filling: Promise<void> | null = null;
  private fillAgain = false;

  constructor(options: InProcessQueueOptions) {
    const { context } = options;
    this.store = context.store;
    this.events = context.events;
    this.workerId = context.workerId;
    this.runJob = options.runJob ?? ((run) => runSync(context, run));
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    this.logger = options.logger ?? consoleLogger('tandem jobs');
    this.reportError = options.onError ?? ((error) => this.logger.error('job queue failure', { err: error }));
    this.runnerDeps = {
      store: this.store,
      workerId: this.workerId,
      runJob: this.runJob,
      leaseTtlMs: this.leaseTtlMs,
      progressIntervalMs: this.progressIntervalMs,
      publish: (job) => this.publish(job),
      reportError: this.reportError,
      logger: this.logger,
    };
    this.scheduler =
      options.schedules === false
        ? null
        : new MappingScheduler({
            store: this.store,
            enqueueScheduled: async (mappingId, notQueuedSince) => {
              await this.enqueueJob({ mappingId, trigger: 'SCHEDULE', notQueuedSince });
            },
            refreshMs: options.scheduleRefreshMs,
            logger: this.logger,
            onError: options.onError,
          });
  }

  async enqueue(mappingId: number, request: RunRequest): Promise<EnqueueResult> {
    const enqueued = await this.enqueueJob({ ...request, mappingId });
    // Without notQueuedSince the repository always returns a job.
    return { jobId: enqueued!.jobId, alreadyQueued: enqueued!.alreadyQueued };
  }

  async setSchedule(mappingId: number, seconds: number): Promise<void> {
    this.scheduler?.setSchedule(mappingId, seconds);
  }

  async removeSchedule(mappingId: number): Promise<void> {
    this.scheduler?.removeSchedule(mappingId);
  }

  /** Re-reads every mapping's schedule; call after mappings were created, changed or deleted. */
  async syncSchedules(): Promise<void> {
    await this.scheduler?.syncSchedules();
  }

  async cancel(jobId: number): Promise<CancelResult> {
    const outcome = await cancelSyncJob(this.store.em(), jobId);
    if (outcome === 'CANCELLED') await this.publishStored(jobId);
    const local = this.active.get(jobId);
    if (outcome === 'CANCEL_REQUESTED' && local) local.cancelRequested = true;
    return { jobId, outcome };
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'started';
    // Before taking anything: jobs this worker id left RUNNING when its process stopped are interrupted.
    await this.recover(this.workerId);
    await this.scheduler?.start();
    this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs);
    this.kick();
  }

  async close(options: { graceful?: boolean } = {}): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    const wasStarted = this.state === 'started';
    this.state = 'closing';
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.scheduler?.stop();
    if (wasStarted) {
      await this.filling; // a job being claimed right now is waited for like the others
      if (options.graceful ?? true) await this.settle(this.closeTimeoutMs);
      if (this.active.size > 0) {
        await Promise.all([...this.active.keys()].map((jobId) => this.cancel(jobId).catch(this.reportError)));
        await this.settle(this.closeTimeoutMs);
      }
      // A run that ignores cancellation is left behind: its lease runs out and it is recovered as interrupted.
      for (const job of this.active.values()) job.abandoned = true;
    }
    this.state = 'closed';
  }

  /** Jobs this process runs right now (job id → mapping id); for health checks and tests. */
  runningJobs(): Map<number, number> {
    return new Map([...this.active].map(([jobId, job]) => [jobId, job.snapshot.mappingId]));
  }

  private async enqueueJob(input: EnqueueJobInput): Promise<EnqueueResult | null> {
    const enqueued = await enqueueSyncJob(this.store.em(), input);
    if (!enqueued) return null;
    if (enqueued.created) this.publish(toSyncJobSnapshot(enqueued.job));
    this.kick();
    return { jobId: enqueued.job.id, alreadyQueued: !enqueued.created };
  }

  private poll(): void {
    this.recover()
      .catch(this.reportError)
      .finally(() => this.kick());
  }

  /** Fails the RUNNING jobs whose worker is gone (its lease ran out) and announces them. */
  private async recover(restartedWorkerId?: string): Promise<void> {
    const ids = await recoverInterruptedJobs(this.store.em(), { restartedWorkerId });
    for (const jobId of ids) {
      this.logger.warn('job interrupted: its process stopped while it ran', { jobId });
      await this.publishStored(jobId);
    }
  }

  /** Starts whatever fits now; never runs two fills at once, so the slot count and leases stay consistent. */
  private kick(): void {
    if (this.state !== 'started') return;
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = (async () => {
      try {
        do {
          this.fillAgain = false;
          await this.fill();
        } while (this.fillAgain && this.state === 'started');
      } catch (error) {
        this.reportError(error);
      } finally {
        this.filling = null;
      }
    })();
  }

  private async fill(): Promise<void> {
    while (this.state === 'started' && this.active.size < this.concurrency) {
      const candidates = await findStartableJobs(this.store.em(), {
        now: Date.now(),
        limit: this.concurrency * 2,
        excludingMappings: [...this.active.values()].map((job) => job.snapshot.mappingId),
      });
      let started = 0;
      for (const candidate of candidates) {
        if (this.state !== 'started' || this.active.size >= this.concurrency) break;
        if (await this.tryStart(candidate.jobId, candidate.mappingId)) started++;
      }
      // Nothing startable (other processes won the leases): wait for the next kick or poll.
      if (started === 0) return;
    }
  }

  private async tryStart(jobId: number, mappingId: number): Promise<boolean> {
    if ([...this.active.values()].some((job) => job.snapshot.mappingId === mappingId)) return false;
    const em = this.store.em();
    const leased = await acquireMappingLease(em, { mappingId, owner: this.workerId, ttlMs: this.leaseTtlMs, jobId });
    if (!leased) return false;
    const job = await claimSyncJob(em, { jobId, workerId: this.workerId });
    if (!job) {
      await releaseMappingLease(em, mappingId, this.workerId);
      return false;
    }
    this.launch(job);
    return true;
  }

  private launch(job: SyncJob): void {
    const active: ActiveJob = { ...newRunningJob(job), done: Promise.resolve() };
    this.active.set(job.id, active);
    this.publish(active.snapshot);
    active.done = runClaimedJob(this.runnerDeps, job, active)
      .catch(this.reportError)
      .finally(() => {
        this.active.delete(job.id);
        this.kick();
      });
  }

  /** Resolves when no job runs here any more, or after `timeoutMs`. */
  private async settle(timeoutMs: number): Promise<void> {
    if (this.active.size === 0) return;
    await waitAtMost(Promise.all([...this.active.values()].map((job) => job.done)), timeoutMs);
  }

  private async publishStored(jobId: number): Promise<void> {
    const job = await loadSyncJob(this.store.em(), jobId);
    if (job) this.publish(toSyncJobSnapshot(job));
  }

  private publish(job: SyncJobSnapshot): void {
    this.events.publish({ type: 'syncJobChanged', job: { ...job } });
  }
}
