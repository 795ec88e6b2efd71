/**
 * Bulk retry is throttled per mapping so that releasing 100,000 records cannot flood a connector: a job
 * works released couplings at most `perSecond` records a second (one job per mapping runs at a time, so
 * this is the mapping's rate). Returns how long to wait before the next batch; pure, so it is tested
 * without a clock.
 */
export function retryThrottleDelayMs(processed: number, elapsedMs: number, perSecond: number): number {
  if (perSecond <= 0 || !Number.isFinite(perSecond)) return 0;
  const earliest = (processed / perSecond) * 1000;
  return Math.max(0, Math.ceil(earliest - elapsedMs));
}

/** Tracks one pass's pace and sleeps when it runs ahead of the allowed rate. */
export class RetryThrottle {
  private readonly startedAt = Date.now();
  private processed = 0;

  constructor(private readonly perSecond: number) {}

  async after(records: number): Promise<void> {
    this.processed += records;
    const delay = retryThrottleDelayMs(this.processed, Date.now() - this.startedAt, this.perSecond);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
