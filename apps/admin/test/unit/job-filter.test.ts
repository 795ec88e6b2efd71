import { describe, expect, it } from 'vitest';
import {
  applyJobEvent,
  jobFilterFromQuery,
  matchesJobFilter,
  queryFromJobFilter,
} from '../../src/composables/job-filter';
import { job } from './job-fixture';

const ALL = { mappingId: null, statuses: [], after: null, back: [], page: 1 };

describe('jobs filter in the URL', () => {
  it('round-trips mapping, statuses and the page with its way back; drops unknown statuses', () => {
    const state = jobFilterFromQuery({
      mapping: 'm1',
      status: 'FAILED,BOGUS,PARTIAL,FAILED',
      after: 'c2',
      back: 'c1',
      page: '3',
    });
    expect(state).toEqual({ mappingId: 'm1', statuses: ['FAILED', 'PARTIAL'], after: 'c2', back: ['c1'], page: 3 });
    expect(queryFromJobFilter(state)).toEqual({
      mapping: 'm1',
      status: 'FAILED,PARTIAL',
      after: 'c2',
      back: 'c1',
      page: '3',
    });
    expect(queryFromJobFilter(ALL)).toEqual({});
  });

  it('matches by mapping and status', () => {
    expect(matchesJobFilter(job('1'), ALL)).toBe(true);
    expect(matchesJobFilter(job('1'), { ...ALL, statuses: ['RUNNING'] })).toBe(false);
    expect(matchesJobFilter(job('1'), { ...ALL, mappingId: 'm2' })).toBe(false);
  });
});

describe('live jobs page', () => {
  it('replaces a listed job in place, even when its new status leaves the filter', () => {
    const rows = [job('2', { status: 'RUNNING' }), job('1')];
    const next = applyJobEvent(rows, job('2', { status: 'FAILED' }), { ...ALL, statuses: ['RUNNING'] }, 50);
    expect(next.map((j) => [j.id, j.status])).toEqual([
      ['2', 'FAILED'],
      ['1', 'SUCCEEDED'],
    ]);
  });

  it('adds a new matching job on top of the first page only, keeping the page size', () => {
    const rows = [job('2'), job('1')];
    expect(applyJobEvent(rows, job('3', { status: 'QUEUED' }), ALL, 2).map((j) => j.id)).toEqual(['3', '2']);
    expect(applyJobEvent(rows, job('3'), { ...ALL, after: 'c' }, 50).map((j) => j.id)).toEqual(['2', '1']);
    expect(applyJobEvent(rows, job('3'), { ...ALL, mappingId: 'm2' }, 50).map((j) => j.id)).toEqual(['2', '1']);
  });
});
