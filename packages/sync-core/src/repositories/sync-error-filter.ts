import type { Knex } from '@mikro-orm/knex';
import type { SyncErrorKind, SyncErrorStatus } from '../entities/enums.js';

/**
 * Which errors a list, a summary or a bulk action is about (DESIGN.md `SyncErrorFilter`). All given
 * conditions must hold; an empty filter matches every error. Times are epoch milliseconds.
 */
export interface SyncErrorFilter {
  mappingId?: number | null;
  kinds?: readonly SyncErrorKind[] | null;
  statuses?: readonly SyncErrorStatus[] | null;
  jobId?: number | null;
  /** Text in the message (case-insensitive), or a record id on either side (exact). */
  search?: string | null;
  occurredAfter?: number | null;
  occurredBefore?: number | null;
}

/** Adds the filter's conditions to a query over `sync_error` (aliased or not: columns are qualified by `table`). */
export function whereSyncErrorFilter<Q extends Knex.QueryBuilder>(
  query: Q,
  filter: SyncErrorFilter,
  table = 'sync_error',
): Q {
  const column = (name: string) => `${table}.${name}`;
  if (filter.mappingId != null) query.where(column('mapping_id'), filter.mappingId);
  if (filter.kinds && filter.kinds.length > 0) query.whereIn(column('kind'), [...filter.kinds]);
  if (filter.statuses && filter.statuses.length > 0) query.whereIn(column('status'), [...filter.statuses]);
  if (filter.jobId != null) query.where(column('job_id'), filter.jobId);
  if (filter.occurredAfter != null) query.where(column('occurred_at'), '>', filter.occurredAfter);
  if (filter.occurredBefore != null) query.where(column('occurred_at'), '<', filter.occurredBefore);
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((q) =>
      q
        .whereRaw(`lower(${column('message')}) like ? escape '\\'`, [pattern])
        .orWhere(column('local_id'), search)
        .orWhere(column('integration_id'), search),
    );
  }
  return query;
}
