import type { Store } from '../db/orm.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import { evaluatePeriodicAlerts } from './alert-evaluation.js';
import { announceAlertChanges } from './job-end-hook.js';

/**
 * The periodic check of the conditions that change without a job ending: a stalled mapping
 * (NO_SUCCESS_FOR) and errors triaged away or piling up (OPEN_ERRORS_OVER). Runs where jobs run; several
 * processes checking at once is harmless (a state moves once: see alert-state-machine.ts).
 */
export class AlertCheckSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly logger: Logger;

  constructor(
    private readonly store: Store,
    private readonly intervalMs = 60_000,
    logger?: Logger,
  ) {
    this.logger = logger ?? consoleLogger('alerts');
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.checkNow(), this.intervalMs);
    this.timer.unref?.();
  }

  /** One check now (also what the timer runs); a check under way is not doubled. */
  checkNow(now?: number): Promise<void> {
    this.running ??= evaluatePeriodicAlerts(this.store.em(), now)
      .then(announceAlertChanges)
      .catch((error) => this.logger.error('could not check the alert rules', { err: error }))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
