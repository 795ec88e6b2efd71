import type { Store } from '../db/orm.js';
import { describeError } from '../errors/redact-sql.js';
import { deleteSyncEntriesOlderThan } from './retention.action.js';

/**
 * The retention policy on a schedule: every `everyMs` (default daily, and once shortly after start),
 * deletes log entries, resolved errors and finished jobs older than `days`. Failures are reported to
 * `onError` and retried at the next tick; they never stop the process. It lives beside the action it
 * runs, not in jobs/: actions use the job queue (retry with runNow), so jobs/ importing an action would
 * tie the two folders in a circle.
 */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | null = null;
  private first: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly days: number,
    private readonly options: { everyMs?: number; firstAfterMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  start(): void {
    const run = () => {
      deleteSyncEntriesOlderThan({ store: this.store }, this.days).catch((error) =>
        (this.options.onError ?? ((e: unknown) => console.error(describeError(e))))(error),
      );
    };
    this.first = setTimeout(run, this.options.firstAfterMs ?? 60_000);
    this.timer = setInterval(run, this.options.everyMs ?? 86_400_000);
    this.first.unref();
    this.timer.unref();
  }

  stop(): void {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    this.first = null;
    this.timer = null;
  }
}
