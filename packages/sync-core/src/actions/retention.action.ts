import { InvalidInputError } from '../errors/invalid-input.error.js';
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
    const logEntries = await sql.run('delete from sync_log_entry where occurred_at < ?', [cutoff]);
    const errors = await sql.run("delete from sync_error where status = 'RESOLVED' and resolved_at < ?", [cutoff]);
    const jobs = await sql.run(
      `delete from sync_job where finished_at < ? and status in ('SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED')
       and not exists (select 1 from sync_error e where e.job_id = sync_job.id and e.status = 'OPEN')`,
      [cutoff],
    );
    return { jobs, errors, logEntries };
  });
}
