import type { Store } from '../db/orm.js';
import type { AlertDelivery } from '../entities/alert-delivery.entity.js';
import { redactSql } from '../errors/redact-sql.js';
import { consoleLogger, type Logger } from '../logging/logger.js';
import type { AlertNotification } from './alert-notification.js';
import { type AttemptResult, claimDueDeliveries, recordAttempt } from './alert-outbox.js';
import { alertSignal } from './alert-signal.js';
import type { AlertChannel } from './channels/alert-channel.js';
import { DEFAULT_DELIVERY_BACKOFF, type DeliveryBackoff, nextAttemptAt } from './delivery-backoff.js';

export interface AlertDelivererOptions {
  store: Store;
  channels: ReadonlyMap<string, AlertChannel>;
  /** This process, as the claims name it. */
  owner: string;
  /** How often the outbox is polled for rows other processes wrote; default 1 s. */
  pollIntervalMs?: number;
  /** How long one send may take; default 10 s. */
  timeoutMs?: number;
  backoff?: Partial<DeliveryBackoff>;
  /** Deliveries claimed (and sent side by side) at once; default 20. */
  batchSize?: number;
  logger?: Logger;
}

/**
 * Sends the outbox's due notifications: claims a batch, sends each with a timeout, records each attempt
 * (delivered, retry later with backoff, or given up), and goes on while there is more. It runs off the
 * jobs' path entirely — a job only writes outbox rows — so a slow or broken receiver never slows a sync.
 * Several deliverers (one per process that runs jobs) share the outbox safely through their claims; a
 * claim outlives a send, so a deliverer that died mid-send is taken over once its claim runs out.
 */
export class AlertDeliverer {
  private readonly pollIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly backoff: DeliveryBackoff;
  private readonly batchSize: number;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly options: AlertDelivererOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.backoff = { ...DEFAULT_DELIVERY_BACKOFF, ...options.backoff };
    this.batchSize = options.batchSize ?? 20;
    this.logger = options.logger ?? consoleLogger('alerts');
  }

  /** Polls the outbox, and wakes at once when this process writes to it. */
  start(): void {
    if (this.timer || this.closed) return;
    this.unsubscribe = alertSignal.onOutboxWritten(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.timer.unref?.();
    this.wake();
  }

  /** Asks for a pass now; a pass under way is followed by one more. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.passes().finally(() => {
      this.running = null;
    });
  }

  /** Stops polling and waits for the sends under way (each ends within its timeout). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    await this.running;
    for (const channel of this.options.channels.values()) channel.close?.();
  }

  /**
   * One pass over the due deliveries (of `onlyIds`, when given: `tandem alerts test`). Returns how many
   * attempts were made.
   */
  async deliverDue(options: { onlyIds?: readonly number[] } = {}): Promise<number> {
    let attempts = 0;
    for (;;) {
      const now = Date.now();
      const claimed = await claimDueDeliveries(this.options.store.em(), {
        owner: this.options.owner,
        now,
        // Longer than any send may take, so a live deliverer never loses its claim mid-send.
        claimedUntil: now + 2 * this.timeoutMs + 5000,
        limit: this.batchSize,
        onlyIds: options.onlyIds,
      });
      if (claimed.length === 0) return attempts;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      attempts += claimed.length;
      if (claimed.length < this.batchSize) return attempts;
    }
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.deliverDue();
      } catch (error) {
        this.logger.error('could not deliver alert notifications', { err: error });
      }
    } while (this.again && !this.closed);
  }

  private async attempt(delivery: AlertDelivery): Promise<void> {
    const attemptedAt = Date.now();
    const channel = this.options.channels.get(delivery.channel);
    let result: AttemptResult;
    try {
      if (!channel) throw new Error(`channel "${delivery.channel}" is not configured (alerts.channels)`);
      const notification = JSON.parse(delivery.payload) as AlertNotification;
      const receipt = await channel.send(
        { messageId: delivery.messageId, body: delivery.payload, notification },
        this.timeoutMs,
      );
      result = {
        ok: true,
        statusCode: receipt.statusCode,
        error: null,
        attemptedAt,
        durationMs: Date.now() - attemptedAt,
      };
    } catch (error) {
      result = {
        ok: false,
        statusCode: (error as { statusCode?: number | null }).statusCode ?? null,
        error: errorText(error),
        attemptedAt,
        durationMs: Date.now() - attemptedAt,
      };
    }
    const retryAt = result.ok
      ? null
      : nextAttemptAt(this.backoff, delivery.attempts + 1, Date.now(), delivery.windowStartedAt);
    try {
      await recordAttempt(this.options.store.em(), delivery, this.options.owner, result, retryAt);
    } catch (error) {
      // The claim runs out and the delivery is tried again: at worst a receiver sees its webhook-id twice.
      this.logger.error('could not record an alert delivery attempt', { err: error, deliveryId: delivery.id });
      return;
    }
    const fields = { deliveryId: delivery.id, channel: delivery.channel, event: delivery.event };
    if (result.ok) this.logger.info('alert delivered', { ...fields, statusCode: result.statusCode });
    else if (retryAt === null) this.logger.error('alert delivery given up', { ...fields, error: result.error });
    else
      this.logger.warn('alert delivery failed', {
        ...fields,
        error: result.error,
        retryAt: new Date(retryAt).toISOString(),
      });
  }
}

/** What the delivery log keeps of a failure: the message (a channel's says what the receiver did), short. */
function errorText(error: unknown): string {
  return redactSql(error instanceof Error ? error.message : String(error)).slice(0, 1000);
}
