/**
 * How the connector keeps within Dataverse's service protection limits ("Service protection API limits"):
 * requests per user in a sliding window, execution time, and 52 concurrent requests, each answered with
 * 429 and `Retry-After` when exceeded. The pacer
 * - runs at most `maxConcurrent` requests at once (50, under the 52 ceiling), starting low and adding one
 *   per request that succeeds, so a burst never opens with 50 requests;
 * - starts no more requests than the window has left: an answer's `x-ms-ratelimit-burst-remaining-xrm-requests`
 *   says how many more the user may send, so once it nears zero the pacer sends one request at a time
 *   instead of a volley that would all come back 429 (each of which lengthens the wait) — the one that is
 *   refused brings the Retry-After, and the first answer after the pause says how many may go again;
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
  /** `remaining`: requests the server says the user may still send in its window, when it says. */
  | { kind: 'done'; value: T; remaining?: number | null }
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
  /** Requests started so far; each start's number orders what the server said after it. */
  private started = 0;
  /**
   * The newest word on the window: `remaining` requests left as counted when request number `after` was
   * answered (0 after a 429). Requests started after that one may not be counted in it yet. Null until a
   * server says (one that never sends the header is paced by concurrency and 429s alone).
   */
  private window: { after: number; remaining: number } | null = null;

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
      const number = await this.acquire(budget);
      let outcome: AttemptOutcome<T>;
      try {
        outcome = await attempt();
      } finally {
        this.release();
      }
      if (outcome.kind === 'done') {
        if (typeof outcome.remaining === 'number') this.heard(number, outcome.remaining);
        this.succeeded();
        return outcome.value;
      }
      const now = this.options.now();
      if (outcome.kind === 'throttled') {
        this.heard(number, 0);
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

  /** Waits for a slot; returns the request's start number. */
  private async acquire(budget: WaitBudget): Promise<number> {
    for (;;) {
      const now = this.options.now();
      if (this.pausedUntil > now) {
        // Paused by another request's 429: this request waits too, and its job's budget counts it.
        const waitMs = this.pausedUntil - now;
        budget.admit(now, waitMs, 'throttled', 'paused with the other requests', false);
        await this.options.sleep(waitMs);
        continue;
      }
      if (this.inFlight < this.limit && this.windowAllows()) {
        this.inFlight++;
        return ++this.started;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Whether the window has room for one more: the last count heard, less the requests started after the
   * one it answered (conservative: some of those may already be in it). With nothing in flight one request
   * may always go, so that a full window is probed and its 429 brings the Retry-After to wait.
   */
  private windowAllows(): boolean {
    if (!this.window || this.inFlight === 0) return true;
    return this.started - this.window.after < this.window.remaining;
  }

  /** A newer count of the window's remaining requests; wakes as many waiting requests as it lets go. */
  private heard(number: number, remaining: number): void {
    if (this.window && this.window.after > number) return;
    this.window = { after: number, remaining: Math.max(0, remaining) };
    const room = Math.min(
      this.waiting.length,
      this.limit - this.inFlight,
      this.window.remaining - (this.started - number),
    );
    for (let i = 0; i < room; i++) this.waiting.shift()?.();
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
