import type { Job, Queue } from 'bullmq';
import type { Store } from '../../db/orm.js';
import { TableMappingSchema } from '../../entities/table-mapping.entity.js';
import { readSchedules, scheduleDueSince } from '../scheduler.js';
import { mappingOfScheduler, type ScheduleTickData, schedulerId } from './bullmq-names.js';

export interface BullMqSchedulesOptions {
  store: Store;
  /** The schedules queue; its job schedulers live in Redis, shared by every process of the deployment. */
  queue: Queue<ScheduleTickData>;
  /** Enqueues a SCHEDULE run unless one of the mapping was queued at or after `notQueuedSince`. */
  enqueueScheduled: (mappingId: number, notQueuedSince: number) => Promise<void>;
}

/**
 * Mapping schedules as BullMQ job schedulers (`upsertJobScheduler`, one per mapping, `every` its interval).
 * BullMQ keeps one next tick per scheduler in Redis whoever set it, so a schedule set through an API process
 * runs on the workers, and a deployment's schedules do not multiply with its processes.
 *
 * `table_mapping` stays the source of truth: every tick re-reads its mapping and removes (disabled, or
 * schedule 0) or re-sets (interval changed) its scheduler instead of asking for a run that is not wanted;
 * `sync()` makes the schedulers match the mappings, at a worker's start and every refresh after.
 */
export class BullMqSchedules {
  constructor(private readonly options: BullMqSchedulesOptions) {}

  /** Runs the mapping every `seconds`; 0 or less removes its scheduler. An unchanged interval is left alone. */
  async set(mappingId: number, seconds: number): Promise<void> {
    if (seconds <= 0) {
      await this.remove(mappingId);
      return;
    }
    const id = schedulerId(mappingId);
    const every = seconds * 1000;
    // Re-upserting restarts the interval (and ticks at once), so a refresh that changes nothing must not.
    const current = await this.options.queue.getJobScheduler(id);
    if (current?.every === every) return;
    await this.options.queue.upsertJobScheduler(
      id,
      { every },
      { name: 'tick', data: { mappingId, seconds }, opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  async remove(mappingId: number): Promise<void> {
    await this.options.queue.removeJobScheduler(schedulerId(mappingId));
  }

  /** Makes the schedulers match the mappings: new ones set, changed ones re-set, gone or disabled ones removed. */
  async sync(): Promise<void> {
    const wanted = await readSchedules(this.options.store.em());
    const existing = await this.options.queue.getJobSchedulers(0, -1);
    for (const scheduler of existing) {
      const mappingId = mappingOfScheduler(scheduler.key);
      if (mappingId === null || !wanted.has(mappingId)) await this.options.queue.removeJobScheduler(scheduler.key);
    }
    for (const [mappingId, seconds] of wanted) await this.set(mappingId, seconds);
  }

  /** The processor of the schedules queue: one tick of one mapping's scheduler. */
  readonly tick = async (job: Job<ScheduleTickData>): Promise<void> => {
    const { mappingId, seconds } = job.data;
    const mapping = await this.options.store.em().findOne(TableMappingSchema, { id: mappingId });
    if (!mapping?.enabled || mapping.scheduleSeconds <= 0) {
      await this.remove(mappingId);
      return;
    }
    if (mapping.scheduleSeconds !== seconds) {
      // Rescheduled through a process that could not reach Redis: follow the row, and ask for nothing now.
      await this.set(mappingId, mapping.scheduleSeconds);
      return;
    }
    await this.options.enqueueScheduled(mappingId, scheduleDueSince(seconds));
  };
}
