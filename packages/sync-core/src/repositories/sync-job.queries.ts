import type { EntityManager } from '@mikro-orm/knex';
import { entityRows, type RowOf } from '../db/entity-rows.js';
import type { StoreSqlAccess } from '../db/store-sql.js';
import { FINISHED_JOB_STATUSES, type FinishedJobStatus, type SyncJobStatus } from '../entities/enums.js';
import { SyncJobSchema } from '../entities/sync-job.entity.js';
import type { Page, PageRequest } from '../paging/keyset-page.js';
import { listPage } from '../paging/list-page.js';
import { placeholders, toNumber } from './sql-values.js';

const JOBS = entityRows(SyncJobSchema);

/** A job as a list shows it: its row, plain. */
export type SyncJobRow = RowOf<typeof JOBS>;

export interface SyncJobList extends PageRequest {
  mappingId?: number | null;
  /** Any of these; none given: every status. */
  statuses?: readonly SyncJobStatus[] | null;
}

/** Jobs, newest first (by when they were queued), a page at a time. */
export function listSyncJobs(em: EntityManager, list: SyncJobList): Promise<Page<SyncJobRow>> {
  return listPage(em, {
    list: 'jobs',
    rows: JOBS,
    order: ['queuedAt', 'id'],
    where: (query) => {
      if (list.mappingId != null) query.where(JOBS.column.mappingId, list.mappingId);
      if (list.statuses && list.statuses.length > 0) query.whereIn(JOBS.column.status, [...list.statuses]);
    },
    page: list,
  });
}

export interface JobOutcomeBucket {
  /** Epoch ms, inclusive; a multiple of the bucket size. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  /** Jobs by the status they ended in: what an outcomes chart stacks. */
  counts: Record<FinishedJobStatus, number>;
}

export interface JobOutcomesQuery {
  /** Epoch ms; the first bucket is the one holding it. */
  since: number;
  /** Epoch ms; the last bucket is the one holding it. */
  until: number;
  bucketMs: number;
  mappingId?: number | null;
}

/**
 * Finished jobs per time bucket and final status, every bucket from `since` to `until` present (empty
 * ones as zeros) so that a chart's axis is even. One GROUP BY over the `finished_at` index: the job table
 * grows by thousands of rows a day with short schedules, and the dashboard asks on every load.
 */
export async function jobOutcomesOverTime(store: StoreSqlAccess, query: JobOutcomesQuery): Promise<JobOutcomeBucket[]> {
  const first = Math.floor(query.since / query.bucketMs);
  const last = Math.floor(query.until / query.bucketMs);
  const params: unknown[] = [query.bucketMs, first * query.bucketMs, ...FINISHED_JOB_STATUSES];
  let where = `finished_at >= ? and status in (${placeholders(FINISHED_JOB_STATUSES.length)})`;
  if (query.mappingId != null) {
    where += ' and mapping_id = ?';
    params.push(query.mappingId);
  }
  const rows = await store.session((sql) =>
    sql.query<{ bucket: unknown; status: FinishedJobStatus; n: unknown }>(
      // Integer division on both stores: finished_at is a bigint of epoch ms.
      `select finished_at / ? as bucket, status, count(*) as n from sync_job where ${where} group by 1, 2`,
      params,
    ),
  );
  const buckets = new Map<number, JobOutcomeBucket>();
  for (let index = first; index <= last; index++) {
    const start = index * query.bucketMs;
    buckets.set(index, {
      start,
      end: start + query.bucketMs,
      counts: { SUCCEEDED: 0, PARTIAL: 0, FAILED: 0, CANCELLED: 0 },
    });
  }
  for (const row of rows) {
    // Jobs finished after `until` (a clock ahead of the caller's) have no bucket and are left out.
    const bucket = buckets.get(Math.floor(toNumber(row.bucket)));
    if (bucket) bucket.counts[row.status] += toNumber(row.n);
  }
  return [...buckets.values()];
}

/** How many jobs of a mapping wait (QUEUED) or run (RUNNING) right now. */
export interface UnfinishedJobCount {
  mappingId: number;
  status: Extract<SyncJobStatus, 'QUEUED' | 'RUNNING'>;
  count: number;
}

/**
 * Waiting and running jobs per mapping, from the `sync_job` rows every queue driver keeps (so every
 * process reads the same numbers): one GROUP BY on the status index, which holds few such rows — at most
 * one running and one waiting job per mapping.
 */
export async function countUnfinishedJobs(store: StoreSqlAccess): Promise<UnfinishedJobCount[]> {
  const rows = await store.session((sql) =>
    sql.query<{ mapping_id: unknown; status: UnfinishedJobCount['status']; n: unknown }>(
      "select mapping_id, status, count(*) as n from sync_job where status in ('QUEUED', 'RUNNING') group by mapping_id, status",
      [],
    ),
  );
  return rows.map((row) => ({ mappingId: toNumber(row.mapping_id), status: row.status, count: toNumber(row.n) }));
}
