import { describe, expect, it } from 'vitest';
import { retryThrottleDelayMs } from '../../src/engine/retry-throttle.js';

describe('retry throttle', () => {
  it('waits until the records done so far fit the rate', () => {
    // 2,000 records at 1,000 a second may not finish before 2 s: 1.5 s in, wait 0.5 s more.
    expect(retryThrottleDelayMs(2000, 1500, 1000)).toBe(500);
  });
  it('does not wait when behind the rate, or when there is no limit', () => {
    expect(retryThrottleDelayMs(1000, 1500, 1000)).toBe(0);
    expect(retryThrottleDelayMs(1_000_000, 10, 0)).toBe(0);
    expect(retryThrottleDelayMs(1_000_000, 10, Number.POSITIVE_INFINITY)).toBe(0);
  });
});
