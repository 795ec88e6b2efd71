import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/composables/sync-jobs';
import { countsByMapping, withJobEvent } from '../../src/composables/table-mapping-live';
import { job } from './job-fixture';

/** A job of mapping `mappingId` (named like its id), queued at `queuedAt`. */
function jobOf(mappingId: string, id: string, queuedAt: string, status: Job['status'] = 'SUCCEEDED'): Job {
  return job(id, { mapping: { id: mappingId, name: mappingId }, queuedAt, status });
}

describe('the newest job per mapping', () => {
  const first = jobOf('m1', 'j1', '2026-11-26T10:00:00.000Z');

  it('a newly queued job replaces the one shown, for its mapping only', () => {
    const other = jobOf('m2', 'j9', '2026-11-26T09:00:00.000Z');
    const next = jobOf('m1', 'j2', '2026-11-26T10:00:30.000Z', 'QUEUED');
    expect(withJobEvent({ m1: first, m2: other }, next)).toEqual({ m1: next, m2: other });
  });

  it("the shown job's own progress replaces it", () => {
    const finished = { ...first, status: 'PARTIAL' as const, finishedAt: '2026-11-26T10:00:05.000Z' };
    expect(withJobEvent({ m1: first }, finished)).toEqual({ m1: finished });
  });

  it("an older job's late event changes nothing", () => {
    const older = jobOf('m1', 'j0', '2026-11-26T09:59:30.000Z', 'CANCELLED');
    const state = { m1: first };
    expect(withJobEvent(state, older)).toBe(state);
  });

  it('a mapping that never ran gets its first job', () => {
    expect(withJobEvent({ m1: null }, first)).toEqual({ m1: first });
  });
});

describe('open errors by mapping', () => {
  it('maps ids to counts; a mapping not in the summary has none', () => {
    const counts = countsByMapping([
      { count: 3, mapping: { id: 'm1' } },
      { count: 1, mapping: { id: 'm3' } },
    ]);
    expect(counts.get('m1')).toBe(3);
    expect(counts.get('m3')).toBe(1);
    expect(counts.get('m2')).toBeUndefined();
  });
});
