import { describe, expect, it } from 'vitest';
import { canAct } from '../../src/composables/roles';
import { estimateProgress, isActive, jobDuration, mergeJob } from '../../src/composables/sync-jobs';
import { job } from './job-fixture';

describe('live jobs', () => {
  it('an event replaces the known job and keeps the list newest first', () => {
    const list = [job('2'), job('1')];
    const merged = mergeJob(list, job('1', { status: 'RUNNING', processed: 40 }));
    expect(merged.map((j) => [j.id, j.status])).toEqual([
      ['2', 'SUCCEEDED'],
      ['1', 'RUNNING'],
    ]);
    expect(mergeJob(merged, job('3', { status: 'QUEUED' }))[0]?.id).toBe('3');
  });

  it('keeps at most the limit', () => {
    expect(mergeJob([job('1'), job('2')], job('3'), 2).map((j) => j.id)).toEqual(['3', '2']);
  });

  it('estimates progress from the mapping’s last finished run, below 100 while running', () => {
    const previous = job('1', { processed: 200 });
    expect(estimateProgress(job('2', { status: 'RUNNING', processed: 50 }), [previous])).toBe(25);
    expect(estimateProgress(job('2', { status: 'RUNNING', processed: 500 }), [previous])).toBe(99);
    expect(estimateProgress(job('2', { status: 'RUNNING', processed: 5 }), [])).toBeNull();
    expect(
      estimateProgress(job('2', { status: 'RUNNING', processed: 5 }), [
        job('1', { processed: 200, mapping: { id: 'm2', name: 'items' } }),
      ]),
    ).toBeNull();
    expect(estimateProgress(job('2', { status: 'QUEUED' }), [previous])).toBe(0);
    expect(estimateProgress(job('2'), [previous])).toBe(100);
    expect(isActive(job('2', { status: 'RUNNING' }))).toBe(true);
  });

  it('formats durations', () => {
    expect(jobDuration(job('1'))).toBeNull();
    expect(
      jobDuration(job('1', { startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:00:01.250Z' })),
    ).toBe('1.3 s');
    expect(
      jobDuration(job('1', { startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:03:04.000Z' })),
    ).toBe('3 min 4 s');
  });
});

describe('roles', () => {
  it('operators and admins act; viewers and the unknown do not', () => {
    expect(canAct('OPERATOR')).toBe(true);
    expect(canAct('ADMIN')).toBe(true);
    expect(canAct('VIEWER')).toBe(false);
    expect(canAct(null)).toBe(false);
  });
});
