import type { Knex } from '@mikro-orm/knex';
import type { SyncErrorKind, SyncErrorStatus } from '../entities/enums.js';
import { placeholders } from './sql-values.js';

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
  /** The message with record-specific values taken out (see `messagePattern`): one group of errors. */
  messagePattern?: string | null;
}

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** The filter as one SQL condition over `sync_error` (columns qualified by `table`), `?` placeholders. */
export function syncErrorFilterCondition(filter: SyncErrorFilter, table = 'sync_error'): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  const column = (name: string) => `${table}.${name}`;
  if (filter.mappingId != null) {
    parts.push(`${column('mapping_id')} = ?`);
    params.push(filter.mappingId);
  }
  if (filter.kinds && filter.kinds.length > 0) {
    parts.push(`${column('kind')} in (${placeholders(filter.kinds.length)})`);
    params.push(...filter.kinds);
  }
  if (filter.statuses && filter.statuses.length > 0) {
    parts.push(`${column('status')} in (${placeholders(filter.statuses.length)})`);
    params.push(...filter.statuses);
  }
  if (filter.jobId != null) {
    parts.push(`${column('job_id')} = ?`);
    params.push(filter.jobId);
  }
  if (filter.occurredAfter != null) {
    parts.push(`${column('occurred_at')} > ?`);
    params.push(filter.occurredAfter);
  }
  if (filter.occurredBefore != null) {
    parts.push(`${column('occurred_at')} < ?`);
    params.push(filter.occurredBefore);
  }
  if (filter.messagePattern != null) {
    parts.push(`${column('message_pattern')} = ?`);
    params.push(filter.messagePattern);
  }
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(
      `(lower(${column('message')}) like ? escape '\\' or ${column('local_id')} = ? or ${column('integration_id')} = ?)`,
    );
    params.push(pattern, search, search);
  }
  return { sql: parts.length > 0 ? parts.join(' and ') : '1 = 1', params };
}

/** Adds the filter's conditions to a knex query over `sync_error`. */
export function whereSyncErrorFilter<Q extends Knex.QueryBuilder>(
  query: Q,
  filter: SyncErrorFilter,
  table = 'sync_error',
): Q {
  const condition = syncErrorFilterCondition(filter, table);
  return query.whereRaw(condition.sql, condition.params as Knex.RawBinding[]) as Q;
}
