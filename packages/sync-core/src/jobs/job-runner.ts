import type { Store } from '../db/orm.js';
import { emptyCounters, type SyncCounters, type SyncOutcome, type SyncRun } from '../engine/sync-run.js';
import type { SyncJob } from '../entities/sync-job.entity.js';
import { redactSql } from '../errors/redact-sql.js';
import type { SyncJobSnapshot } from '../events/event-publisher.js';
import { type Logger, reportingLogger } from '../logging/logger.js';
import { jobLogger, logJobEnd, logJobProgress } from './job-logger.js';
import type { RunJob } from './job-queue.js';
import { releaseMappingLease, renewMappingLease } from './mapping-lease.js';
import { ProgressThrottle } from './progress-throttle.js';
import {
  finishSyncJob,
  isSyncJobCancelRequested,
  parseScope,
  recordSyncJobProgress,
  toSyncJobSnapshot,
} from './sync-job.repository.js';

/** What the runner of a claimed job needs from the driver that claimed it. */
export interface JobRunnerDeps {
  store: Store;
  /** This process's worker id: the lease's owner and the job row's worker. */
  workerId: string;
  /** Runs the engine on the job (in this thread, on a job thread, …). */
  runJob: RunJob;
  leaseTtlMs: number;
  progressIntervalMs: number;
  /** Announces a job's state (status changes at once, progress throttled). */
  publish(job: SyncJobSnapshot): void;
  reportError(error: unknown): void;
  /**
   * Where the job's lines go, each with its job id and mapping (a child per job). Without one, a job's
   * failures go to `reportError` as before and nothing else is logged.
   */
  logger?: Logger;
}

/**
 * One running job as its driver tracks it. The driver sets `cancelRequested` (a cancel through this
 * process) and `abandoned` (given up on at close); the runner sets `leaseLost` and keeps `snapshot` current.
 */
export interface RunningJob {
  snapshot: SyncJobSnapshot;
  cancelRequested: boolean;
  /** The lease could not be renewed: someone may take the mapping, so the run must stop. */
  leaseLost: boolean;
  /** Given up on by `close`: its lease is left to run out, its row to the interrupted-job sweep. */
  abandoned: boolean;
}

export function newRunningJob(job: SyncJob): RunningJob {
  return { snapshot: toSyncJobSnapshot(job), cancelRequested: false, leaseLost: false, abandoned: false };
}

/**
 * Runs a job whose row is claimed (RUNNING, this worker) and whose mapping lease this worker holds, to
 * the end: renews the lease while the engine works, stores and announces progress (throttled), stores the
 * final status and counters, and only then releases the lease — until the row says the job ended, it
 * still counts as running. Shared by every queue driver: the in-process one and the one on Redis differ
 * in how they find and claim jobs, never in how a job runs.
 */
export async function runClaimedJob(deps: JobRunnerDeps, job: SyncJob, active: RunningJob): Promise<void> {
  const { store, workerId, leaseTtlMs } = deps;
  const { mappingId } = job;
  const log = await jobLogger(deps.logger ?? reportingLogger(deps.reportError), store, job);
  const startedAt = job.startedAt ?? Date.now();
  log.info('job started', { trigger: job.trigger, full: job.full });
  const logError = (message: string) => (error: unknown) => log.error(message, { err: error });
  const heartbeat = setInterval(() => {
    if (active.abandoned) return;
    renewMappingLease(store.em(), { mappingId, owner: workerId, ttlMs: leaseTtlMs })
      .then((renewed) => {
        if (!renewed) active.leaseLost = true;
      })
      .catch(logError('could not renew the mapping lease'));
  }, leaseTtlMs / 3);
  const progress = new ProgressThrottle<SyncCounters>(
    deps.progressIntervalMs,
    async (counters) => {
      await recordSyncJobProgress(store.em(), job.id, workerId, counters);
      deps.publish(active.snapshot);
      logJobProgress(log, counters);
    },
    logError('could not store the job progress'),
  );
  let latest = emptyCounters();
  const run: SyncRun = {
    jobId: job.id,
    mappingId,
    full: job.full,
    scope: parseScope(job.scope),
    // A MANUAL job scoped to records (synchronizeRecords) is the caller's act: its log entries name them.
    actor: job.trigger === 'MANUAL' && job.scope != null && job.requestedBy ? job.requestedBy : undefined,
    isCancelRequested: async () =>
      active.cancelRequested || active.leaseLost || (await isSyncJobCancelRequested(store.em(), job.id)),
    onProgress: (counters) => {
      latest = { ...counters };
      active.snapshot = { ...active.snapshot, ...latest };
      progress.push(latest);
    },
    // "the CRM asked to wait 12 s": in the log, and as the running job's message for its watchers.
    onNotice: (message) => {
      log.info(message);
      active.snapshot = { ...active.snapshot, message };
      deps.publish(active.snapshot);
    },
  };

  let outcome: SyncOutcome;
  try {
    outcome = await deps.runJob(run);
  } catch (error) {
    // runSync never throws; a test double, a lost job thread or a future engine bug might. The job fails,
    // the queue goes on.
    outcome = { status: 'FAILED', counters: latest, message: `the job failed: ${redactSql(messageOf(error))}` };
  } finally {
    clearInterval(heartbeat);
    await progress.stop();
  }
  if (active.abandoned) {
    log.warn('job abandoned at close: its lease runs out and it is marked interrupted');
    return;
  }

  const finishedAt = Date.now();
  const recorded = await finishSyncJob(store.em(), {
    jobId: job.id,
    workerId,
    outcome,
    now: finishedAt,
    onAlertError: logError('could not evaluate the alert rules'),
  });
  if (recorded) {
    active.snapshot = {
      ...active.snapshot,
      ...outcome.counters,
      status: outcome.status,
      message: outcome.message,
      finishedAt,
    };
    deps.publish(active.snapshot);
    logJobEnd(log, outcome, startedAt, finishedAt);
  }
  // Released only after the final status is stored: until then the job still counts as running.
  await releaseMappingLease(store.em(), mappingId, workerId);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
