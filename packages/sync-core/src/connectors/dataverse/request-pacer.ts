/**
 * How the connector keeps within Dataverse's service protection limits ("Service protection API limits"):
 * requests per user in a sliding window, execution time, and 52 concurrent requests, each answered with
 * 429 and `Retry-After` when exceeded. The pacer
 * - runs at most `maxConcurrent` requests at once (50, under the 52 ceiling), starting low and adding one
 *   per request that succeeds, so a burst never opens with 50 requests;
 * - on 429 pauses every request of the connector until `Retry-After` has passed in full (sending more
 *   meanwhile only lengthens it) and halves the concurrency;
 * - on 5xx and dropped connections backs off exponentially, with jitter and a cap;
 * - tells the caller's `WaitBudget` of every wait, which announces it ("the CRM asked to wait 12 s") and
 *   ends the work with a clear message once the waiting of one job passes its configured total.
 * Throttling alone never fails a request; only the budget does.
 */

export type WaitReason = 'throttled' | 'server-error' | 'connection-dropped';

/** One wait, as the job's progress and log show it. */
export interface ConnectorWait {
  reason: WaitReason;
  waitMs: number;
  /** Waiting so far in this budget (one job's side), this wait included. */
  totalWaitMs: number;
  /** For people: "the CRM asked to wait 12 s (429 Too Many Requests)". */
  message: string;
}

/** Thrown when one job has waited longer in total than it may: ends the job FAILED with this message. */
export class WaitBudgetExceededError extends Error {
  readonly code = 'CONNECTOR_WAIT_EXCEEDED';
  constructor(message: string) {
    super(message);
    this.name = 'WaitBudgetExceededError';
  }
}

/**
 * The waiting one unit of work (a job's side of a mapping) may do, and who hears of each wait. Waits that
 * overlap (two requests paused by one 429) count once: the budget adds up the time covered by waits.
 */
export class WaitBudget {
  private waitedMs = 0;
  private coveredUntil = 0;
  private readonly listeners = new Set<(wait: ConnectorWait) => void>();

  constructor(
    /** Total waiting allowed; beyond it the work fails. */
    readonly maxWaitMs: number,
    /** Who is waiting, for messages: "the CRM", `connector "crm"`. */
    readonly who: string,
  ) {}

  get totalWaitMs(): number {
    return this.waitedMs;
  }

  onWait(listener: (wait: ConnectorWait) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Checks that a wait of `waitMs` from `startMs` still fits, announces it when asked, and counts it.
   * Throws `WaitBudgetExceededError` (without waiting) when it does not fit.
   */
  admit(startMs: number, waitMs: number, reason: WaitReason, detail: string, announce: boolean): void {
    const endMs = startMs + waitMs;
    const added = Math.max(0, endMs - Math.max(startMs, this.coveredUntil));
    const total = this.waitedMs + added;
    if (total > this.maxWaitMs) {
      throw new WaitBudgetExceededError(
        `${this.who} ${describeReason(reason)} and the job has waited ${seconds(this.waitedMs)} in total; ` +
          `a further ${seconds(waitMs)} would pass the limit of ${seconds(this.maxWaitMs)} (maxWaitSeconds). ` +
          `Nothing was lost: the next job goes on from here (${detail})`,
      );
    }
    this.waitedMs = total;
    this.coveredUntil = Math.max(this.coveredUntil, endMs);
    if (!announce) return;
    const wait: ConnectorWait = {
      reason,
      waitMs,
      totalWaitMs: total,
      message: `${this.who} ${reason === 'throttled' ? `asked to wait ${seconds(waitMs)}` : `${describeReason(reason)}: waiting ${seconds(waitMs)}`} (${detail})`,
    };
    for (const listener of this.listeners) listener(wait);
  }
}

function describeReason(reason: WaitReason): string {
  if (reason === 'throttled') return 'kept asking to wait (service protection limits, 429)';
  if (reason === 'server-error') return 'answered with a server error';
  return 'dropped the connection';
}

/** `12 s`, `1.5 s`, `250 ms`. */
export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) || s >= 10 ? Math.round(s) : s.toFixed(1)} s`;
}

export interface PacerOptions {
  /** Requests at once at most; Dataverse's ceiling is 52 per user. */
  maxConcurrent: number;
  /** Requests at once to start with; each success adds one, each 429 halves it. */
  startConcurrent: number;
  /** First backoff after a 5xx or a dropped connection; doubled per attempt of one request, up to the cap. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Wait used when a 429 comes without a readable Retry-After. */
  defaultRetryAfterMs: number;
  random: () => number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_PACER_OPTIONS: PacerOptions = {
  maxConcurrent: 50,
  startConcurrent: 4,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  defaultRetryAfterMs: 5_000,
  random: Math.random,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What one attempt of a request came to, as the pacer needs to know it. */
export type AttemptOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'throttled'; retryAfterMs: number | null; detail: string }
  | { kind: 'server-error'; detail: string }
  | { kind: 'connection-dropped'; detail: string };

/** Paces every request of one connector (one Dataverse user): concurrency, pauses after 429, backoff. */
export class RequestPacer {
  private readonly options: PacerOptions;
  private limit: number;
  private inFlight = 0;
  private pausedUntil = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(options: Partial<PacerOptions> = {}) {
    this.options = { ...DEFAULT_PACER_OPTIONS, ...options };
    this.limit = Math.min(this.options.startConcurrent, this.options.maxConcurrent);
  }

  /** Requests allowed at once right now (for tests and the benchmark's report). */
  get concurrency(): number {
    return this.limit;
  }

  /**
   * Runs `attempt` until it is done, waiting as the app asks; the waits are told to and checked against
   * `budget`. An attempt that throws (not a dropped connection it reported) ends the request at once.
   */
  async run<T>(budget: WaitBudget, attempt: () => Promise<AttemptOutcome<T>>): Promise<T> {
    for (let failures = 0; ; ) {
      await this.acquire(budget);
      let outcome: AttemptOutcome<T>;
      try {
        outcome = await attempt();
      } finally {
        this.release();
      }
      if (outcome.kind === 'done') {
        this.succeeded();
        return outcome.value;
      }
      const now = this.options.now();
      if (outcome.kind === 'throttled') {
        const waitMs = Math.max(0, outcome.retryAfterMs ?? this.options.defaultRetryAfterMs);
        // A second 429 inside a pause that is already announced extends it quietly.
        const announce = now + waitMs > this.pausedUntil + 1000;
        budget.admit(now, waitMs, 'throttled', outcome.detail, announce);
        this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
        this.limit = Math.max(1, Math.ceil(this.limit / 2));
        await this.options.sleep(Math.max(0, this.pausedUntil - now));
        continue;
      }
      failures++;
      const ceiling = Math.min(this.options.backoffCapMs, this.options.backoffBaseMs * 2 ** (failures - 1));
      // Half fixed, half random: retries of many requests spread out instead of arriving together.
      const waitMs = Math.round(ceiling / 2 + (this.options.random() * ceiling) / 2);
      budget.admit(now, waitMs, outcome.kind, outcome.detail, true);
      await this.options.sleep(waitMs);
    }
  }

  private async acquire(budget: WaitBudget): Promise<void> {
    for (;;) {
      const now = this.options.now();
      if (this.pausedUntil > now) {
        // Paused by another request's 429: this request waits too, and its job's budget counts it.
        const waitMs = this.pausedUntil - now;
        budget.admit(now, waitMs, 'throttled', 'paused with the other requests', false);
        await this.options.sleep(waitMs);
        continue;
      }
      if (this.inFlight < this.limit) {
        this.inFlight++;
        return;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private succeeded(): void {
    if (this.limit >= this.options.maxConcurrent) return;
    this.limit++;
    // The new slot goes to a request already waiting for one.
    this.waiting.shift()?.();
  }
}

/**
 * `Retry-After` in milliseconds: delta-seconds (what Dataverse sends, possibly fractional) or an HTTP date.
 * Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}
