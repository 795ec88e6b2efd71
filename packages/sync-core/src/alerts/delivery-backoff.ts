/** How failed deliveries are retried: exponential backoff with jitter, within a window (24 h by default). */
export interface DeliveryBackoff {
  /** Wait after the first failure; doubles with each further one. Default 10 s. */
  initialMs: number;
  /** The wait never grows beyond this. Default 1 h. */
  maxMs: number;
  /** No attempt starts later than this after the notification was written (or resent). Default 24 h. */
  windowMs: number;
}

export const DEFAULT_DELIVERY_BACKOFF: DeliveryBackoff = {
  initialMs: 10_000,
  maxMs: 3_600_000,
  windowMs: 24 * 3_600_000,
};

/**
 * When to try again after the `attempts`-th failed attempt, or null to give up (the next attempt would
 * fall outside the window). "Equal jitter": half the exponential wait, plus a random part of the other
 * half — receivers that come back are not hit by every Tandem's retries in the same second.
 */
export function nextAttemptAt(
  backoff: DeliveryBackoff,
  attempts: number,
  now: number,
  windowStartedAt: number,
  random: () => number = Math.random,
): number | null {
  const exponential = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempts - 1));
  const wait = exponential / 2 + random() * (exponential / 2);
  const at = Math.round(now + wait);
  return at > windowStartedAt + backoff.windowMs ? null : at;
}
