import type { StoreSql } from '../db/store-sql.js';
import { FINISHED_JOB_STATUSES } from '../entities/enums.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { placeholders, toNumber } from '../repositories/sql-values.js';
import type { ActionContext, RetentionResult } from './action-types.js';

const DAY_MS = 86_400_000;

/**
 * Retention: deletes log entries, resolved errors and finished jobs older than `days` days — by call or
 * on the retention schedule. Open errors are never deleted, nor the jobs they point to.
 */
export async function deleteSyncEntriesOlderThan(
  ctx: Pick<ActionContext, 'store'>,
  days: number,
): Promise<RetentionResult> {
  if (!Number.isInteger(days) || days < 1)
    throw new InvalidInputError('days', 'must be a whole number of days, at least 1');
  const cutoff = Date.now() - days * DAY_MS;
  return ctx.store.sql.transaction(async (sql) => {
    const keepFrom = await firstLogIdSince(sql, cutoff);
    const logEntries = keepFrom === null ? 0 : await sql.run('delete from sync_log_entry where id < ?', [keepFrom]);
    const errors = await sql.run("delete from sync_error where status = 'RESOLVED' and resolved_at < ?", [cutoff]);
    const jobs = await sql.run(
      `delete from sync_job where finished_at < ? and status in (${placeholders(FINISHED_JOB_STATUSES.length)})
       and not exists (select 1 from sync_error e where e.job_id = sync_job.id and e.status = 'OPEN')`,
      [cutoff, ...FINISHED_JOB_STATUSES],
    );
    return { jobs, errors, logEntries };
  });
}

/**
 * The id of the first log entry that occurred at or after `cutoff` (past the last entry when all are
 * older; null when there are none). Entries are appended as things happen, so their ids grow with
 * `occurred_at`: a binary search over ids finds the boundary in a few dozen primary-key lookups. This
 * saves the log an index on `occurred_at`, which every entry a job writes would otherwise maintain.
 * (Two writers may append a few milliseconds out of order; a retention counted in days does not notice.)
 */
async function firstLogIdSince(sql: StoreSql, cutoff: number): Promise<number | null> {
  const [bounds] = await sql.query<{ low: unknown; high: unknown }>(
    'select min(id) as low, max(id) as high from sync_log_entry',
  );
  if (bounds?.low == null) return null;
  let low = toNumber(bounds.low);
  let high = toNumber(bounds.high) + 1;
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    const [entry] = await sql.query<{ id: unknown; occurred_at: unknown }>(
      'select id, occurred_at from sync_log_entry where id >= ? order by id limit 1',
      [middle],
    );
    if (!entry || toNumber(entry.occurred_at) >= cutoff) high = middle;
    else low = toNumber(entry.id) + 1;
  }
  return low;
}
