/**
 * Per-key request budget: a token bucket per API key holding a minute's worth of requests, refilled
 * continuously. A burst (the console opening a page: a handful of queries) costs nothing noticeable; a
 * script hammering the API is told to wait with the exact time after which one request is allowed again.
 */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly requestsPerMinute: number) {
    this.perMs = requestsPerMinute / 60_000;
  }

  /** Takes one request from the key's budget: 0 when allowed, else the seconds to wait (Retry-After). */
  take(keyId: number, now = Date.now()): number {
    const bucket = this.buckets.get(keyId) ?? { tokens: this.requestsPerMinute, at: now };
    bucket.tokens = Math.min(this.requestsPerMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }
}
