import type { EntityManager } from '@mikro-orm/knex';
import { entityRows, type RowOf } from '../db/entity-rows.js';
import type { Side, SyncLogAction } from '../entities/enums.js';
import { SyncLogEntrySchema } from '../entities/sync-log-entry.entity.js';
import type { Page, PageRequest } from '../paging/keyset-page.js';
import { listPage } from '../paging/list-page.js';

const LOG_ENTRIES = entityRows(SyncLogEntrySchema);

/** A log entry as a list shows it: its row, plain (`changes` as the JSON it is stored as). */
export type SyncLogEntryRow = RowOf<typeof LOG_ENTRIES>;

export interface RecordSyncLogList extends PageRequest {
  mappingId: number;
  /** Which side `recordId` is on. */
  side: Side;
  recordId: string;
}

/** One record's sync history, newest first, a page at a time. */
export function listRecordSyncLog(em: EntityManager, list: RecordSyncLogList): Promise<Page<SyncLogEntryRow>> {
  const record = list.side === 'LOCAL' ? LOG_ENTRIES.column.localId : LOG_ENTRIES.column.integrationId;
  return listPage(em, {
    list: 'log',
    rows: LOG_ENTRIES,
    order: ['id'],
    where: (query) => query.where(LOG_ENTRIES.column.mappingId, list.mappingId).where(record, list.recordId),
    page: list,
  });
}

export interface JobSyncLogList extends PageRequest {
  jobId: number;
  /** Any of these; none given: every action. */
  actions?: readonly SyncLogAction[] | null;
}

/** What one job did, coupling by coupling, newest first, a page at a time. */
export function listJobSyncLog(em: EntityManager, list: JobSyncLogList): Promise<Page<SyncLogEntryRow>> {
  return listPage(em, {
    list: 'job-log',
    rows: LOG_ENTRIES,
    order: ['id'],
    where: (query) => {
      query.where(LOG_ENTRIES.column.jobId, list.jobId);
      if (list.actions && list.actions.length > 0) query.whereIn(LOG_ENTRIES.column.action, [...list.actions]);
    },
    page: list,
  });
}
