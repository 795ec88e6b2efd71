import { describe, expect, it } from 'vitest';
import { bucketLabel, outcomeWindowFromQuery, totalFinished } from '../../src/composables/job-outcomes';

describe('job outcomes chart', () => {
  it('takes the window from the URL, 24 hours unless another known one is asked for', () => {
    expect(outcomeWindowFromQuery('1h')).toBe('1h');
    expect(outcomeWindowFromQuery('7d')).toBe('7d');
    expect(outcomeWindowFromQuery('forever')).toBe('24h');
    expect(outcomeWindowFromQuery(undefined)).toBe('24h');
  });

  it('labels a bucket by its time, and by its day too where the window spans days', () => {
    const start = new Date(2026, 10, 26, 14, 5).toISOString();
    expect(bucketLabel(start, '1h')).toBe('14:05');
    expect(bucketLabel(start, '7d')).toBe('26 Nov 14:05');
  });

  it('counts every finished job of every bucket', () => {
    const bucket = { start: '', end: '', succeeded: 3, partial: 1, failed: 2, cancelled: 1 };
    expect(totalFinished([bucket, { ...bucket, succeeded: 0 }])).toBe(11);
    expect(totalFinished([])).toBe(0);
  });
});
