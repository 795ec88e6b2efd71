import type { EntityManager } from '@mikro-orm/knex';
import type { Store } from '../db/orm.js';
import { TableMappingSchema } from '../entities/table-mapping.entity.js';
import { consoleLogger, type Logger } from '../logging/logger.js';

/**
 * Per-mapping timers that ask for SCHEDULE runs. `table_mapping` is the source of truth: `syncSchedules()`
 * re-reads it (call it after a mapping changed; it also runs every `refreshMs`, which is how a process
 * learns of a change made through another process), and every tick re-checks its mapping before asking.
 *
 * Several processes may run a scheduler on one database. Each tick asks for a run only when no job of the
 * mapping was queued within the last interval, and the enqueue checks that under the mapping's lock, so
 * the mapping still runs once per interval, not once per process.
 */
export interface SchedulerOptions {
  store: Store;
  /**
   * Enqueues a SCHEDULE run unless a job of the mapping was queued at or after `notQueuedSince`
   * (`enqueueSyncJob`'s `notQueuedSince`). The queue driver supplies it, so it can announce and start the job.
   */
  enqueueScheduled: (mappingId: number, notQueuedSince: number) => Promise<void>;
  /** How often the mappings are re-read; default 60 s. */
  refreshMs?: number;
  /** Where a failed tick or refresh is logged; default stderr. */
  logger?: Logger;
  /** Takes failures instead of the logger (a caller that routes every failure to one place). */
  onError?: (error: unknown) => void;
}

/** Mapping id → seconds between runs, for every enabled mapping with a schedule. */
export async function readSchedules(em: EntityManager): Promise<Map<number, number>> {
  const mappings = await em.find(
    TableMappingSchema,
    { enabled: true, scheduleSeconds: { $gt: 0 } },
    { fields: ['id', 'scheduleSeconds'] },
  );
  return new Map(mappings.map((mapping) => [mapping.id, mapping.scheduleSeconds]));
}

/** A timer's tolerance for its own lateness: a tick up to this early still counts as due. */
function slackMs(intervalMs: number): number {
  return Math.min(1000, intervalMs * 0.1);
}

/**
 * A schedule tick's `notQueuedSince`: the run is due unless a job of the mapping was queued within the last
 * interval, less the slack. Every driver's ticks use it, so several processes never multiply the runs.
 */
export function scheduleDueSince(seconds: number, now = Date.now()): number {
  const intervalMs = seconds * 1000;
  return now - intervalMs + slackMs(intervalMs);
}

export class MappingScheduler {
  private readonly timers = new Map<number, { seconds: number; timer: NodeJS.Timeout | null }>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly options: SchedulerOptions) {}

  /** Arms the timers; each mapping is checked at once, so an overdue mapping runs right after a restart. */
  async start(): Promise<void> {
    this.running = true;
    await this.syncSchedules();
    for (const mappingId of this.timers.keys()) this.arm(mappingId);
    this.refreshTimer = setInterval(() => {
      this.syncSchedules().catch(this.reportError);
    }, this.options.refreshMs ?? 60_000);
  }

  stop(): void {
    this.running = false;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const entry of this.timers.values()) if (entry.timer) clearInterval(entry.timer);
    for (const entry of this.timers.values()) entry.timer = null;
  }

  /** Schedules a mapping every `seconds`; 0 or less removes its schedule. */
  setSchedule(mappingId: number, seconds: number): void {
    if (seconds <= 0) {
      this.removeSchedule(mappingId);
      return;
    }
    const current = this.timers.get(mappingId);
    if (current?.seconds === seconds) return;
    if (current?.timer) clearInterval(current.timer);
    this.timers.set(mappingId, { seconds, timer: null });
    if (this.running) this.arm(mappingId);
  }

  removeSchedule(mappingId: number): void {
    const current = this.timers.get(mappingId);
    if (current?.timer) clearInterval(current.timer);
    this.timers.delete(mappingId);
  }

  /** Re-reads every mapping's schedule: new ones are armed, changed ones re-armed, gone or disabled ones removed. */
  async syncSchedules(): Promise<void> {
    const schedules = await readSchedules(this.options.store.em());
    for (const mappingId of [...this.timers.keys()]) {
      if (!schedules.has(mappingId)) this.removeSchedule(mappingId);
    }
    for (const [mappingId, seconds] of schedules) this.setSchedule(mappingId, seconds);
  }

  /** Mapping id → seconds, as currently armed. */
  schedules(): Map<number, number> {
    return new Map([...this.timers].map(([mappingId, entry]) => [mappingId, entry.seconds]));
  }

  private arm(mappingId: number): void {
    const entry = this.timers.get(mappingId);
    if (!entry || entry.timer) return;
    entry.timer = setInterval(() => this.tick(mappingId, entry.seconds), entry.seconds * 1000);
    this.tick(mappingId, entry.seconds);
  }

  private tick(mappingId: number, seconds: number): void {
    this.askForRun(mappingId, seconds).catch(this.reportError);
  }

  private async askForRun(mappingId: number, seconds: number): Promise<void> {
    // The mapping may have been disabled or rescheduled through another process since the last refresh.
    const mapping = await this.options.store.em().findOne(TableMappingSchema, { id: mappingId });
    if (!this.running || this.timers.get(mappingId)?.seconds !== seconds) return;
    if (!mapping?.enabled || mapping.scheduleSeconds !== seconds) {
      // Disabled, unscheduled (0 removes the timer) or rescheduled: follow the row and ask for nothing now.
      this.setSchedule(mappingId, mapping?.enabled ? mapping.scheduleSeconds : 0);
      return;
    }
    await this.options.enqueueScheduled(mappingId, scheduleDueSince(seconds));
  }

  private readonly reportError = (error: unknown): void => {
    if (this.options.onError) this.options.onError(error);
    else (this.options.logger ?? consoleLogger()).error('schedule failed', { err: error });
  };
}
