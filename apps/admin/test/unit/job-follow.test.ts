import { describe, expect, it } from 'vitest';
import { jobEnd, newerJob } from '../../src/composables/job-follow';

const job = (
  status: 'QUEUED' | 'RUNNING' | 'PARTIAL' | 'SUCCEEDED',
  counters: Partial<Record<string, number>> = {},
) => ({
  status,
  queuedAt: '2024-01-01T00:00:00Z',
  inserted: 0,
  modified: 0,
  unchanged: 0,
  failed: 0,
  skipped: 0,
  processed: 0,
  ...counters,
});

describe('how a followed job ended', () => {
  it('a RETRY job: synchronized is modified + inserted + unchanged, failed is failed again', () => {
    expect(jobEnd(job('PARTIAL', { modified: 1, unchanged: 1, inserted: 1, failed: 2, processed: 5 }))).toEqual({
      running: false,
      worked: 5,
      synchronized: 3,
      failed: 2,
      skipped: 0,
    });
    expect(jobEnd(job('PARTIAL', { failed: 35, processed: 35 }))).toMatchObject({
      worked: 35,
      synchronized: 0,
      failed: 35,
    });
  });

  it('is running while queued or running', () => {
    expect(jobEnd(job('QUEUED')).running).toBe(true);
    expect(jobEnd(job('RUNNING', { processed: 3 })).running).toBe(true);
  });

  it('keeps the newer picture whichever arrives last: finished over running, more progress over less', () => {
    const done = job('SUCCEEDED', { modified: 2, processed: 2 });
    const running = job('RUNNING', { processed: 1 });
    expect(newerJob(done, running)).toBe(done);
    expect(newerJob(running, done)).toBe(done);
    expect(newerJob(null, running)).toBe(running);
    expect(newerJob(job('RUNNING', { processed: 5 }), running).processed).toBe(5);
  });
});
