import { Queue } from 'bullmq';
import type { Store } from '../../db/orm.js';
import { findQueuedJobs } from '../sync-job.repository.js';
import { type DispatchData, dispatchJobId, SYNC_JOBS_QUEUE } from './bullmq-names.js';
import type { RedisClients } from './redis-clients.js';

/**
 * The Redis side of `sync_job` rows: the sync-jobs queue, holding one dispatch (BullMQ job `sync-job-<id>`)
 * per QUEUED row. Adding a dispatch whose id exists is a no-op in BullMQ, which is what keeps it at one per
 * row however often a row is dispatched again — and what makes re-dispatching every QUEUED row a safe repair.
 */
export class BullMqDispatches {
  readonly queue: Queue<DispatchData>;

  constructor(
    private readonly store: Store,
    private readonly redis: RedisClients,
    prefix: string,
  ) {
    this.queue = new Queue<DispatchData>(SYNC_JOBS_QUEUE, {
      connection: redis.producer,
      prefix,
      // Handled dispatches are removed: the row is the record. A dispatch whose processing keeps failing
      // (the database away) is retried, then removed too; the sweep dispatches its row again.
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: true,
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
      },
    });
  }

  /** Hands a row to the workers; throws `QueueUnavailableError` when Redis does not take it. */
  async add(jobId: number, mappingId: number): Promise<void> {
    try {
      await this.queue.add('run', { jobId, mappingId }, { jobId: dispatchJobId(jobId) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw this.redis.unavailable(
        `${reason} (job ${jobId} is stored as QUEUED and is dispatched by a worker once Redis is back)`,
        error,
      );
    }
  }

  /** Best effort: a dispatch that stays (a worker holds it, Redis is away) finds its row cancelled and ends. */
  async remove(jobId: number): Promise<void> {
    if (this.redis.isReady()) await this.queue.remove(dispatchJobId(jobId)).catch(() => {});
  }

  /** Starts a postponed dispatch now rather than at the end of its delay. */
  async promote(jobId: number): Promise<void> {
    if (!this.redis.isReady()) return;
    const dispatch = await this.queue.getJob(dispatchJobId(jobId));
    // It may have left the delayed set since it was read: then there is nothing to hurry.
    if (dispatch && (await dispatch.isDelayed())) await dispatch.promote().catch(() => {});
  }

  /** Starts the mapping's waiting dispatch, postponed while a run of the mapping held its lease. */
  async promoteWaiting(mappingId: number): Promise<void> {
    const [waiting] = await findQueuedJobs(this.store.em(), { mappingId, limit: 1 });
    if (waiting) await this.promote(waiting.jobId);
  }

  /**
   * Dispatches every QUEUED row again, which repairs only the rows whose dispatch is missing: the add failed
   * as Redis went away, Redis lost its data, or the row was queued by a process without Redis.
   */
  async addQueued(): Promise<void> {
    if (!this.redis.isReady()) return;
    for (const { jobId, mappingId } of await findQueuedJobs(this.store.em(), { limit: 1000 })) {
      await this.add(jobId, mappingId);
    }
  }
}
