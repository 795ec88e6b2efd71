import type { EntityManager } from '@mikro-orm/knex';
import { entityRows, type RowOf } from '../db/entity-rows.js';
import type { StoreSqlAccess } from '../db/store-sql.js';
import type { SyncErrorKind } from '../entities/enums.js';
import { SyncErrorSchema } from '../entities/sync-error.entity.js';
import type { Page, PageRequest } from '../paging/keyset-page.js';
import { listPage } from '../paging/list-page.js';
import { toNumber } from './sql-values.js';
import { type SyncErrorFilter, syncErrorFilterCondition, whereSyncErrorFilter } from './sync-error-filter.js';

const ERRORS = entityRows(SyncErrorSchema);

/** An error as a list shows it: its row, plain (`fields` as the JSON it is stored as). */
export type SyncErrorRow = RowOf<typeof ERRORS>;

/** Errors matching a filter, newest first (by when they occurred), a page at a time. */
export function listSyncErrors(
  em: EntityManager,
  filter: SyncErrorFilter,
  page: PageRequest,
): Promise<Page<SyncErrorRow>> {
  return listPage(em, {
    list: 'errors',
    rows: ERRORS,
    order: ['occurredAt', 'id'],
    where: (query) => whereSyncErrorFilter(query, filter, ERRORS.table),
    page,
  });
}

export interface SyncErrorSummary {
  total: number;
  byKind: Array<{ kind: SyncErrorKind; count: number }>;
  byMapping: Array<{ mappingId: number; count: number }>;
}

/** How many errors of one kind one mapping has. */
export interface SyncErrorCount {
  mappingId: number;
  kind: SyncErrorKind;
  count: number;
}

/**
 * Errors matching a filter counted per mapping and kind, in one grouped query on the status index; a
 * filter without statuses counts OPEN errors. The summary below folds these rows, `/metrics` exports them.
 */
export async function countSyncErrors(store: StoreSqlAccess, filter: SyncErrorFilter = {}): Promise<SyncErrorCount[]> {
  const condition = syncErrorFilterCondition({
    ...filter,
    statuses: filter.statuses?.length ? filter.statuses : ['OPEN'],
  });
  return store.session(async (sql) => {
    const rows = await sql.query<{ mapping_id: unknown; kind: SyncErrorKind; n: unknown }>(
      `select mapping_id, kind, count(*) as n from sync_error where ${condition.sql} group by mapping_id, kind`,
      condition.params,
    );
    return rows.map((row) => ({ mappingId: toNumber(row.mapping_id), kind: row.kind, count: toNumber(row.n) }));
  });
}

/** Counts by kind and by mapping (DESIGN.md `syncErrorSummary`); a filter without statuses counts OPEN errors. */
export async function summarizeSyncErrors(
  store: StoreSqlAccess,
  filter: SyncErrorFilter = {},
): Promise<SyncErrorSummary> {
  const byKind = new Map<SyncErrorKind, number>();
  const byMapping = new Map<number, number>();
  let total = 0;
  for (const { mappingId, kind, count } of await countSyncErrors(store, filter)) {
    total += count;
    byKind.set(kind, (byKind.get(kind) ?? 0) + count);
    byMapping.set(mappingId, (byMapping.get(mappingId) ?? 0) + count);
  }
  return {
    total,
    byKind: [...byKind].map(([kind, count]) => ({ kind, count })),
    byMapping: [...byMapping].map(([mappingId, count]) => ({ mappingId, count })),
  };
}

export interface SyncErrorGroup {
  mappingId: number;
  kind: SyncErrorKind;
  /** The shared message with record-specific values taken out; pass it as `filter.messagePattern` to act on the group. */
  messagePattern: string;
  /** One real message of the group. */
  example: string;
  count: number;
  lastOccurredAt: number;
}

/** Open errors grouped by mapping, kind and message pattern, largest group first. */
export async function syncErrorGroups(
  store: StoreSqlAccess,
  filter: SyncErrorFilter = {},
  limit = 100,
): Promise<SyncErrorGroup[]> {
  const condition = syncErrorFilterCondition({
    ...filter,
    statuses: filter.statuses?.length ? filter.statuses : ['OPEN'],
  });
  const rows = await store.session((sql) =>
    sql.query<Record<string, unknown>>(
      `select mapping_id, kind, message_pattern, min(message) as example, count(*) as n, max(occurred_at) as last
       from sync_error where ${condition.sql}
       group by mapping_id, kind, message_pattern order by count(*) desc, mapping_id, kind limit ?`,
      [...condition.params, limit],
    ),
  );
  return rows.map((row) => ({
    mappingId: toNumber(row.mapping_id),
    kind: row.kind as SyncErrorKind,
    messagePattern: String(row.message_pattern ?? ''),
    example: String(row.example),
    count: toNumber(row.n),
    lastOccurredAt: toNumber(row.last),
  }));
}
