import type { StoreSql } from '../db/store-sql.js';
import type { SyncLogAction } from '../entities/enums.js';
import type { SqlCondition } from '../repositories/sync-error-filter.js';

/**
 * Appends one log entry per selected error's coupling, in one INSERT … SELECT: what a bulk action did,
 * by whom, to each record. Must run before the errors it selects are resolved.
 */
export async function logForErrors(
  sql: StoreSql,
  condition: SqlCondition,
  entry: { action: SyncLogAction; message: string; actor: string; at: number },
): Promise<void> {
  await sql.run(
    `insert into sync_log_entry
       (mapping_id, coupling_id, job_id, local_id, integration_id, occurred_at, direction, action, changes, message, actor)
     select mapping_id, coupling_id, null, local_id, integration_id, ?, null, ?, null, ?, ?
     from sync_error where ${condition.sql}`,
    [entry.at, entry.action, entry.message, entry.actor, ...condition.params],
  );
}

/** Resolves the selected errors in one UPDATE. Returns how many. */
export async function resolveErrors(
  sql: StoreSql,
  condition: SqlCondition,
  resolution: { resolution: string; actor: string; at: number },
): Promise<number> {
  return sql.run(
    `update sync_error set status = 'RESOLVED', resolution = ?, resolved_by = ?, resolved_at = ? where ${condition.sql}`,
    [resolution.resolution, resolution.actor, resolution.at, ...condition.params],
  );
}
