import type { Job } from '../../src/composables/sync-jobs';

/** A finished job of `customers` queued at second `id` of a fixed minute; `change` overrides any field. */
export function job(id: string, change: Partial<Job> = {}): Job {
  return {
    id,
    status: 'SUCCEEDED',
    trigger: 'SCHEDULE',
    full: false,
    processed: 0,
    message: null,
    queuedAt: `2026-11-26T10:00:0${id}.000Z`,
    startedAt: null,
    finishedAt: null,
    inserted: 0,
    modified: 0,
    deleted: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    coupled: 0,
    uncoupled: 0,
    mapping: { id: 'm1', name: 'customers' },
    ...change,
  };
}
