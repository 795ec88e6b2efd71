import { Redis } from 'ioredis';
import { QueueUnavailableError } from '../../errors/queue-unavailable.error.js';

/** Where the queue's Redis is: a `redis://` / `rediss://` URL, or an ioredis client the caller owns. */
export type RedisSource = string | Redis;

/**
 * Reconnect attempts back off to one every 2 s and never stop: a worker must pick jobs up again whenever
 * Redis returns, however long it was away, and find out within a couple of seconds.
 */
const retryStrategy = (times: number): number => Math.min(200 * times, 2000);

/** Errors that only say Redis cannot be reached; one is reported per outage, not one per reconnect attempt. */
const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE|Connection is closed|Stream isn't writeable|connect ETIMEDOUT|MaxRetriesPerRequest/i;

const REMIND_AFTER_MS = 60_000;

/**
 * The queue's Redis connections. The producer (adding, removing, scheduling) fails fast while Redis is away
 * — no offline queue, one try — so that `enqueue` reports the outage instead of hanging. Workers get a
 * connection that retries forever (BullMQ requires it for blocking commands), which BullMQ duplicates for
 * each worker; created on first use, so a process that never works jobs opens none.
 */
export class RedisClients {
  readonly producer: Redis;
  private readonly ownsProducer: boolean;
  private workerBase: Redis | null = null;
  private lastError: Error | null = null;
  /** When a connection error was last reported; null while Redis is up. */
  private reportedAt: number | null = null;
  /** `Redis at host:port`, for messages: never the URL, which may hold a password. */
  readonly where: string;

  constructor(
    private readonly source: RedisSource,
    private readonly reportError: (error: unknown) => void,
    /** Told when Redis answers again after an outage was reported. */
    private readonly onRestored: (where: string) => void = () => {},
  ) {
    if (typeof source === 'string') {
      this.producer = new Redis(source, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy });
      this.ownsProducer = true;
    } else {
      this.producer = source;
      this.ownsProducer = false;
    }
    const { host, port } = this.producer.options;
    this.where = `Redis at ${host ?? '127.0.0.1'}:${port ?? 6379}`;
    this.producer.on('error', (error: Error) => {
      this.lastError = error;
      this.report(error);
    });
    this.producer.on('ready', () => {
      this.lastError = null;
      if (this.reportedAt !== null) this.onRestored(this.where);
      this.reportedAt = null;
    });
  }

  /** The connection BullMQ workers duplicate (BullMQ needs `maxRetriesPerRequest: null` there). */
  forWorkers(): Redis {
    if (!this.workerBase) {
      const options = { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: true, retryStrategy };
      this.workerBase =
        typeof this.source === 'string' ? new Redis(this.source, options) : this.source.duplicate(options);
    }
    return this.workerBase;
  }

  isReady(): boolean {
    return this.producer.status === 'ready';
  }

  /**
   * Resolves once the producer can send commands. A connection known to be down fails at once; a first
   * connection still being made is waited for up to `timeoutMs`.
   */
  async whenReady(timeoutMs: number): Promise<void> {
    const client = this.producer;
    if (client.status === 'ready') return;
    if (client.status === 'end') throw this.unavailable('the connection is closed');
    if (this.lastError) throw this.unavailable(this.lastError.message, this.lastError);
    if (client.status === 'wait') client.connect().catch(() => {});
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('error', onError);
        if (error) reject(this.unavailable(error.message, error));
        else resolve();
      };
      const onReady = () => done();
      const onError = (error: Error) => done(error);
      const timer = setTimeout(() => done(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      client.once('ready', onReady);
      client.once('error', onError);
    });
  }

  /** The error callers get while Redis cannot be reached; `reason` is the client's, never the URL. */
  unavailable(reason: string, cause?: unknown): QueueUnavailableError {
    return new QueueUnavailableError(`${this.where}: ${reason}`, cause === undefined ? undefined : { cause });
  }

  /**
   * Reports an error of any of the queue's connections: a connection error once per outage (until the
   * producer is ready again) and a reminder each minute it lasts, anything else every time.
   */
  report(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    const isConnectionError = CONNECTION_ERROR.test(`${String(code ?? '')} ${message}`);
    if (!isConnectionError) {
      this.reportError(error);
      return;
    }
    const now = Date.now();
    if (this.reportedAt !== null && now - this.reportedAt < REMIND_AFTER_MS) return;
    this.reportedAt = now;
    this.reportError(this.unavailable(`${message}; reconnecting`, error));
  }

  /** Closes the connections this object opened; a caller's own client stays open. */
  async close(): Promise<void> {
    this.workerBase?.disconnect();
    if (!this.ownsProducer) return;
    // quit() waits for Redis to answer, which it may never do while it is away.
    if (this.producer.status === 'ready') await this.producer.quit().catch(() => this.producer.disconnect());
    else this.producer.disconnect();
  }
}
