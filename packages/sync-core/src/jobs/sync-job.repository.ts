import type { EntityManager } from '@mikro-orm/knex';
import type { AlertStateChange } from '../alerts/alert-signal.js';
import { alertsOnJobEnd, announceAlertChanges } from '../alerts/job-end-hook.js';
import { entityRows, without } from '../db/entity-rows.js';
import type { SyncCounters, SyncOutcome } from '../engine/sync-run.js';
import type { SyncJobTrigger } from '../entities/enums.js';
import { type SyncJob, SyncJobSchema } from '../entities/sync-job.entity.js';
import { MappingNotFoundError } from '../errors/mapping-not-found.error.js';
import { SNAPSHOT_LEAVES_OUT, type SyncJobSnapshot } from '../events/event-publisher.js';

/**
 * The `sync_job` rows as the job queue drives them: QUEUED → RUNNING → SUCCEEDED | PARTIAL | FAILED |
 * CANCELLED. Every transition is a conditional write on the current status, so two processes acting on one
 * job at once cannot both succeed, and a late writer never overwrites a state someone else settled.
 */

/** The job's table and row mapper, from its entity; a snapshot is its row but the request details. */
const JOBS = entityRows(SyncJobSchema);
const SNAPSHOT = without(JOBS.properties, SNAPSHOT_LEAVES_OUT);

export const INTERRUPTED_MESSAGE =
  'interrupted: the process stopped while the job ran; the next run resumes from the last checkpoint';
export const CANCELLED_BEFORE_START_MESSAGE = 'cancelled before it started';

/** A run asked for: what DESIGN.md's queue interface passes to `enqueue`. */
export interface RunRequest {
  trigger: SyncJobTrigger;
  /** Read every record from the start and scan every coupling for deletions. */
  full?: boolean;
  /** Coupling ids a RETRY run is limited to; absent or null for a normal run. */
  scope?: readonly number[] | null;
  /** Who asked (user or API key name); null for the schedule. */
  requestedBy?: string | null;
}

export interface EnqueueJobInput extends RunRequest {
  mappingId: number;
  now?: number;
  /**
   * For the scheduler: when any job of the mapping was queued at or after this time, the run is not due
   * and nothing is enqueued. Checked under the same lock as the enqueue, so schedulers in several processes
   * do not multiply the runs.
   */
  notQueuedSince?: number;
}

export interface EnqueuedJob {
  job: SyncJob;
  /** False when the mapping's waiting job was returned (and possibly widened) instead. */
  created: boolean;
}

/** The parts of a waiting job that a new request can widen. */
export interface WaitingRun {
  trigger: SyncJobTrigger;
  full: boolean;
  scope: number[] | null;
}

/**
 * What the mapping's waiting job becomes when another run is asked for: full wins; a normal run (no scope)
 * covers every retry, because normal runs include released couplings; two retries run their scopes together.
 */
export function mergeWaitingRun(waiting: WaitingRun, request: RunRequest): WaitingRun {
  const full = waiting.full || (request.full ?? false);
  const requested = request.scope ?? null;
  if (waiting.scope === null) return { trigger: waiting.trigger, full, scope: null };
  if (requested === null) return { trigger: request.trigger, full, scope: null };
  const union = [...new Set([...waiting.scope, ...requested])].sort((a, b) => a - b);
  return { trigger: waiting.trigger, full, scope: union };
}

/**
 * Queues a run of a mapping, keeping at most one waiting job per mapping: when one is waiting, it is
 * widened (see `mergeWaitingRun`) and returned instead of adding another. Returns null only when
 * `notQueuedSince` finds the run not due. Throws `MappingNotFoundError` for an unknown mapping.
 */
export async function enqueueSyncJob(em: EntityManager, input: EnqueueJobInput): Promise<EnqueuedJob | null> {
  return em.transactional(async (tx) => {
    await lockMappingQueue(tx, input.mappingId);
    const now = input.now ?? Date.now();
    if (input.notQueuedSince !== undefined) {
      const recent = await tx.count(SyncJobSchema, {
        mappingId: input.mappingId,
        queuedAt: { $gte: input.notQueuedSince },
      });
      if (recent > 0) return null;
    }
    const waiting = await tx.findOne(
      SyncJobSchema,
      { mappingId: input.mappingId, status: 'QUEUED' },
      { orderBy: { id: 'asc' } },
    );
    if (waiting) {
      const merged = mergeWaitingRun(
        { trigger: waiting.trigger, full: waiting.full, scope: parseScope(waiting.scope) },
        input,
      );
      tx.assign(waiting, { trigger: merged.trigger, full: merged.full, scope: formatScope(merged.scope) });
      await tx.flush();
      return { job: waiting, created: false };
    }
    const job = tx.create(SyncJobSchema, {
      mappingId: input.mappingId,
      status: 'QUEUED',
      trigger: input.trigger,
      full: input.full ?? false,
      scope: formatScope(input.scope ?? null),
      requestedBy: input.requestedBy ?? null,
      queuedAt: now,
    });
    await tx.flush();
    return { job, created: true };
  });
}

/**
 * Serializes enqueues of one mapping. A no-op update of the mapping row takes PostgreSQL's row lock and
 * SQLite's write lock as the transaction's first statement (so SQLite never has to upgrade a stale read
 * snapshot, which would fail instead of waiting); it also tells whether the mapping exists.
 */
async function lockMappingQueue(tx: EntityManager, mappingId: number): Promise<void> {
  const rows = await tx.execute<unknown[]>('update table_mapping set id = id where id = ? returning id', [mappingId]);
  if (rows.length === 0) throw new MappingNotFoundError(mappingId);
}

/** QUEUED jobs that may start now, oldest first: their mapping has no live lease and is not in `excluding`. */
export async function findStartableJobs(
  em: EntityManager,
  options: { now: number; limit: number; excludingMappings?: readonly number[] },
): Promise<Array<{ jobId: number; mappingId: number }>> {
  const excluding = options.excludingMappings ?? [];
  const notIn = excluding.length ? `and j.mapping_id not in (${excluding.map(() => '?').join(', ')})` : '';
  const rows = await em.execute<Array<{ id: unknown; mapping_id: unknown }>>(
    `select j.id, j.mapping_id from sync_job j
     where j.status = 'QUEUED' ${notIn}
       and not exists (select 1 from mapping_lease l where l.mapping_id = j.mapping_id and l.expires_at >= ?)
     order by j.queued_at, j.id
     limit ?`,
    [...excluding, options.now, options.limit],
  );
  return rows.map((row) => ({ jobId: Number(row.id), mappingId: Number(row.mapping_id) }));
}

/**
 * QUEUED jobs oldest first, of one mapping when given, whatever their lease: what a queue driver that hands
 * jobs out through another system (BullMQ) must have handed out.
 */
export async function findQueuedJobs(
  em: EntityManager,
  options: { mappingId?: number; limit: number },
): Promise<Array<{ jobId: number; mappingId: number }>> {
  const where = options.mappingId === undefined ? {} : { mappingId: options.mappingId };
  const jobs = await em.find(
    SyncJobSchema,
    { status: 'QUEUED', ...where },
    { fields: ['id', 'mappingId'], orderBy: { queuedAt: 'asc', id: 'asc' }, limit: options.limit },
  );
  return jobs.map((job) => ({ jobId: job.id, mappingId: job.mappingId }));
}

/**
 * QUEUED → RUNNING, only while `workerId` holds the mapping's live lease: the lease check and the status
 * change are one statement. Returns the running job, or null when someone else claimed or cancelled it.
 */
export async function claimSyncJob(
  em: EntityManager,
  claim: { jobId: number; workerId: string; now?: number },
): Promise<SyncJob | null> {
  const now = claim.now ?? Date.now();
  const rows = await em.execute<unknown[]>(
    `update sync_job set status = 'RUNNING', started_at = ?, worker_id = ?
     where id = ? and status = 'QUEUED'
       and exists (select 1 from mapping_lease l
                   where l.mapping_id = sync_job.mapping_id and l.owner = ? and l.expires_at >= ?)
     returning id`,
    [now, claim.workerId, claim.jobId, claim.workerId, now],
  );
  if (rows.length === 0) return null;
  return em.findOne(SyncJobSchema, { id: claim.jobId }, { refresh: true });
}

/** Stores a running job's counters; ignored once the job is no longer this worker's running job. */
export async function recordSyncJobProgress(
  em: EntityManager,
  jobId: number,
  workerId: string,
  counters: SyncCounters,
): Promise<void> {
  await em.nativeUpdate(SyncJobSchema, { id: jobId, status: 'RUNNING', workerId }, countersOf(counters));
}

/**
 * RUNNING → the outcome's status, with its counters and message. Returns false (and changes nothing) when
 * the job is no longer this worker's running job, e.g. because it was judged interrupted meanwhile.
 * The alert rules watching the mapping are evaluated in the same transaction (alerts/job-end-hook.ts), so
 * a state change and its notifications commit with the status; a fault there is reported to
 * `onAlertError` and never costs the status.
 */
export async function finishSyncJob(
  em: EntityManager,
  finish: {
    jobId: number;
    workerId: string;
    outcome: SyncOutcome;
    now?: number;
    onAlertError?: (error: unknown) => void;
  },
): Promise<boolean> {
  const finishedAt = finish.now ?? Date.now();
  let alertChanges: AlertStateChange[] = [];
  const recorded = await em.transactional(async (tx) => {
    const changed = await tx.nativeUpdate(
      SyncJobSchema,
      { id: finish.jobId, status: 'RUNNING', workerId: finish.workerId },
      {
        ...countersOf(finish.outcome.counters),
        status: finish.outcome.status,
        message: finish.outcome.message,
        finishedAt,
      },
    );
    if (changed !== 1) return false;
    const mappingId = (await tx.findOneOrFail(SyncJobSchema, { id: finish.jobId }, { fields: ['mappingId'] }))
      .mappingId;
    alertChanges = await alertsOnJobEnd(
      tx,
      {
        jobId: finish.jobId,
        mappingId,
        status: finish.outcome.status,
        failed: finish.outcome.counters.failed,
        message: finish.outcome.message,
        now: finishedAt,
      },
      finish.onAlertError,
    );
    return true;
  });
  announceAlertChanges(alertChanges);
  return recorded;
}

/**
 * CANCELLED: a waiting job was cancelled at once. CANCEL_REQUESTED: a running job was flagged; the engine
 * stops after its current batch and its outcome (normally CANCELLED) is recorded then.
 */
export type CancelOutcome = 'CANCELLED' | 'CANCEL_REQUESTED' | 'ALREADY_FINISHED' | 'NOT_FOUND';

export async function cancelSyncJob(em: EntityManager, jobId: number, now = Date.now()): Promise<CancelOutcome> {
  const cancelled = await em.nativeUpdate(
    SyncJobSchema,
    { id: jobId, status: 'QUEUED' },
    { status: 'CANCELLED', cancelRequested: true, finishedAt: now, message: CANCELLED_BEFORE_START_MESSAGE },
  );
  if (cancelled === 1) return 'CANCELLED';
  // Claimed meanwhile, or running all along: flag it.
  const flagged = await em.nativeUpdate(SyncJobSchema, { id: jobId, status: 'RUNNING' }, { cancelRequested: true });
  if (flagged === 1) return 'CANCEL_REQUESTED';
  const exists = await em.count(SyncJobSchema, { id: jobId });
  return exists ? 'ALREADY_FINISHED' : 'NOT_FOUND';
}

/** Reads the flag straight from the row (not the identity map): another process may have set it. */
export async function isSyncJobCancelRequested(em: EntityManager, jobId: number): Promise<boolean> {
  const [row] = await em.execute<Array<Record<string, unknown>>>(`select * from ${JOBS.table} where id = ?`, [jobId]);
  return row ? JOBS.fromRow(row).cancelRequested : false;
}

/**
 * RUNNING jobs whose worker is gone → FAILED with `INTERRUPTED_MESSAGE`. A worker is gone when it no longer
 * holds a live lease on the job's mapping. At a process's start, `restartedWorkerId` also fails the jobs that
 * this worker id ran before it restarted, even if their lease has not run out yet. Returns the jobs' ids.
 */
export async function recoverInterruptedJobs(
  em: EntityManager,
  options: { now?: number; restartedWorkerId?: string; onAlertError?: (error: unknown) => void } = {},
): Promise<number[]> {
  const now = options.now ?? Date.now();
  const own = options.restartedWorkerId === undefined ? '' : 'worker_id = ? or';
  const interrupted = `status = 'RUNNING' and (${own} worker_id is null or not exists (
    select 1 from mapping_lease l
    where l.mapping_id = sync_job.mapping_id and l.owner = sync_job.worker_id and l.expires_at >= ?))`;
  const interruptedParams = [...(options.restartedWorkerId === undefined ? [] : [options.restartedWorkerId]), now];
  // The sweep runs every second and almost always finds nothing: a read answers that without waiting for
  // the write lock, which on SQLite a running job's batch holds.
  const anyInterrupted = await em.execute<unknown[]>(
    `select 1 from sync_job where ${interrupted} limit 1`,
    interruptedParams,
  );
  if (anyInterrupted.length === 0) return [];
  let alertChanges: AlertStateChange[] = [];
  const recovered = await em.transactional(async (tx) => {
    const rows = await tx.execute<Array<{ id: unknown; mapping_id: unknown; failed: unknown }>>(
      `update sync_job set status = 'FAILED', finished_at = ?, message = ?
       where ${interrupted}
       returning id, mapping_id, failed`,
      [now, INTERRUPTED_MESSAGE, ...interruptedParams],
    );
    // An interrupted job ended FAILED like any other: the alert rules hear of it in the same transaction.
    for (const row of rows) {
      const changes = await alertsOnJobEnd(
        tx,
        {
          jobId: Number(row.id),
          mappingId: Number(row.mapping_id),
          status: 'FAILED',
          failed: Number(row.failed ?? 0),
          message: INTERRUPTED_MESSAGE,
          now,
        },
        options.onAlertError,
      );
      alertChanges = [...alertChanges, ...changes];
    }
    return rows.map((row) => Number(row.id));
  });
  announceAlertChanges(alertChanges);
  return recovered;
}

/**
 * Notes on an interrupted job the job that re-runs its mapping. False (and nothing changed) when another
 * delivery of its dispatch got there first: the caller's own enqueue then joined that run or is a second
 * one, and says so.
 */
export async function recordRerun(em: EntityManager, interruptedJobId: number, rerunJobId: number): Promise<boolean> {
  const changed = await em.nativeUpdate(SyncJobSchema, { id: interruptedJobId, rerunJobId: null }, { rerunJobId });
  return changed > 0;
}

/** Loads a job fresh from the database. */
export async function loadSyncJob(em: EntityManager, jobId: number): Promise<SyncJob | null> {
  return em.findOne(SyncJobSchema, { id: jobId }, { refresh: true });
}

/** The job as subscribers see it (events' `SyncJobSnapshot`): every column but the request details. */
export function toSyncJobSnapshot(job: SyncJob): SyncJobSnapshot {
  return Object.fromEntries(SNAPSHOT.map((property) => [property, job[property] ?? null])) as SyncJobSnapshot;
}

export function parseScope(scope: string | null | undefined): number[] | null {
  return scope == null ? null : (JSON.parse(scope) as number[]);
}

function formatScope(scope: readonly number[] | null): string | null {
  return scope === null ? null : JSON.stringify(scope);
}

function countersOf(counters: SyncCounters): SyncCounters {
  const { inserted, modified, deleted, unchanged, skipped, failed, coupled, uncoupled, processed } = counters;
  return { inserted, modified, deleted, unchanged, skipped, failed, coupled, uncoupled, processed };
}
