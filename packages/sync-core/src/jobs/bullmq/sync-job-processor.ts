import { DelayedError, type Job } from 'bullmq';
import type { SyncJob } from '../../entities/sync-job.entity.js';
import { type JobRunnerDeps, newRunningJob, type RunningJob, runClaimedJob } from '../job-runner.js';
import { acquireMappingLease, releaseMappingLease } from '../mapping-lease.js';
import { claimSyncJob, INTERRUPTED_MESSAGE, loadSyncJob, recoverInterruptedJobs } from '../sync-job.repository.js';
import { waitAtMost } from '../wait-at-most.js';
import type { DispatchData } from './bullmq-names.js';

export interface SyncJobProcessorDeps {
  /** The shared runner's needs: store, worker id, `runJob`, lease and progress timings, publish, report. */
  runner: JobRunnerDeps;
  /** How long a dispatch waits before it looks again at a mapping that is busy (its lease is held). */
  retryDelayMs: number;
  /** Announces a row as stored (recovered, cancelled…). */
  publishStored(jobId: number): Promise<void>;
  /** Queues a new run of an interrupted job's mapping, with the same request. */
  rerun(job: SyncJob): Promise<void>;
  /** Lets the mapping's waiting dispatch (postponed while this run held the lease) start at once. */
  promoteWaiting(mappingId: number): Promise<void>;
}

/** One job this process runs: its state, shared with the runner, and the promise of its end. */
interface ActiveJob extends RunningJob {
  done: Promise<void>;
}

/**
 * The processor of the sync-jobs queue. A dispatch names a `sync_job` row, and the row decides what happens
 * — BullMQ's own state is only the delivery:
 *
 * - QUEUED: take the mapping's lease, claim the row and run it with the shared runner (`runClaimedJob`). A
 *   mapping busy here or elsewhere (lease held) puts the dispatch back, delayed, instead of running it.
 * - RUNNING: the dispatch came back while its run goes on (BullMQ judged it stalled) or after its worker
 *   died. A live lease means someone still runs it: look again later. Otherwise the row is recovered as
 *   interrupted, and handled as below.
 * - FAILED as interrupted: its worker died; unless someone had asked it to stop, a new run of the mapping
 *   is queued with the same request (it resumes from the checkpoints), so a killed worker's job is re-run
 *   by another.
 * - Anything else (finished, cancelled, deleted): nothing to do.
 */
export class SyncJobProcessor {
  private readonly active = new Map<number, ActiveJob>();
  /** Mappings being started or run here: the lease is re-entrant for its owner, so it cannot tell. */
  private readonly busyMappings = new Set<number>();
  private stopping = false;

  constructor(private readonly deps: SyncJobProcessorDeps) {}

  readonly process = async (job: Job<DispatchData>, token?: string): Promise<void> => {
    // A dispatch fetched while closing goes back for another worker.
    if (this.stopping) return this.postpone(job, token, 0);
    const { runner } = this.deps;
    const row = await loadSyncJob(runner.store.em(), job.data.jobId);
    if (!row) return;
    if (row.status === 'QUEUED') return this.claimAndRun(job, token, row);
    if (row.status === 'RUNNING') return this.followRunning(job, token, row);
    if (wasInterrupted(row)) await this.deps.rerun(row);
  };

  /** Jobs this process runs right now (job id → mapping id). */
  runningJobs(): Map<number, number> {
    return new Map([...this.active].map(([jobId, job]) => [jobId, job.snapshot.mappingId]));
  }

  /** A cancel through this process reaches its run without waiting for the row to be read. */
  markCancelRequested(jobId: number): void {
    const active = this.active.get(jobId);
    if (active) active.cancelRequested = true;
  }

  /** From now on a dispatch is put back for another worker instead of being run here. */
  stopTaking(): void {
    this.stopping = true;
  }

  /**
   * Stops running jobs (`close`): graceful lets them finish for up to `timeoutMs`; then the rest are asked
   * to cancel and given `timeoutMs` more. Returns whether some run was given up on (its lease then runs
   * out and the interrupted-job sweep recovers its row).
   */
  async stop(graceful: boolean, timeoutMs: number): Promise<{ abandoned: boolean }> {
    this.stopTaking();
    if (graceful) await this.settle(timeoutMs);
    if (this.active.size > 0) {
      // Asked here only, not in the row: the row's flag means a person wanted the job stopped, and such a
      // job is not re-run if its worker dies; one stopped by a closing process is.
      for (const job of this.active.values()) job.cancelRequested = true;
      await this.settle(timeoutMs);
    }
    for (const job of this.active.values()) job.abandoned = true;
    return { abandoned: this.active.size > 0 };
  }

  private async claimAndRun(job: Job<DispatchData>, token: string | undefined, row: SyncJob): Promise<void> {
    const { mappingId } = row;
    if (this.busyMappings.has(mappingId)) return this.postpone(job, token);
    this.busyMappings.add(mappingId);
    const { store, workerId, leaseTtlMs } = this.deps.runner;
    try {
      const em = store.em();
      const leased = await acquireMappingLease(em, { mappingId, owner: workerId, ttlMs: leaseTtlMs, jobId: row.id });
      if (!leased) return await this.postpone(job, token);
      const claimed = await claimSyncJob(em, { jobId: row.id, workerId });
      if (!claimed) {
        // Cancelled since it was read: nobody else can claim a row while this worker holds the lease.
        await releaseMappingLease(em, mappingId, workerId);
        return;
      }
      await this.run(claimed);
    } finally {
      this.busyMappings.delete(mappingId);
    }
    await this.deps.promoteWaiting(mappingId).catch(this.deps.runner.reportError);
  }

  private async run(job: SyncJob): Promise<void> {
    const { runner } = this.deps;
    const active: ActiveJob = { ...newRunningJob(job), done: Promise.resolve() };
    this.active.set(job.id, active);
    runner.publish(active.snapshot);
    active.done = runClaimedJob(runner, job, active)
      .catch(runner.reportError)
      .finally(() => this.active.delete(job.id));
    await active.done;
  }

  private async followRunning(job: Job<DispatchData>, token: string | undefined, row: SyncJob): Promise<void> {
    // Its run goes on here: BullMQ lost the lock (say Redis was away) and delivered the dispatch again.
    if (this.active.has(row.id)) return this.postpone(job, token, this.deps.runner.leaseTtlMs);
    const { store } = this.deps.runner;
    for (const jobId of await recoverInterruptedJobs(store.em())) await this.deps.publishStored(jobId);
    const now = await loadSyncJob(store.em(), row.id);
    // A live worker still runs it: look again once its lease could have run out, not every second.
    if (now?.status === 'RUNNING') return this.postpone(job, token, this.deps.runner.leaseTtlMs);
    if (now && wasInterrupted(now)) await this.deps.rerun(now);
  }

  /** Puts the dispatch back in the queue, delayed; BullMQ treats the `DelayedError` as "not finished". */
  private async postpone(job: Job<DispatchData>, token: string | undefined, delayMs = this.deps.retryDelayMs) {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** Resolves when no job runs here any more, or after `timeoutMs`. */
  private async settle(timeoutMs: number): Promise<void> {
    if (this.active.size === 0) return;
    await waitAtMost(Promise.all([...this.active.values()].map((job) => job.done)), timeoutMs);
  }
}

/** Its worker died while it ran, nobody had asked it to stop, and no run of its mapping was queued for it yet. */
function wasInterrupted(job: SyncJob): boolean {
  return (
    job.status === 'FAILED' && job.message === INTERRUPTED_MESSAGE && !job.cancelRequested && job.rerunJobId == null
  );
}
