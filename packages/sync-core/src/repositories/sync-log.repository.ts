import type { StoreSql } from '../db/store-sql.js';
import type { FieldChange } from '../engine/field-sync.js';
import type { SyncLogAction } from '../entities/enums.js';
import { chunk, insertRows, rowsPerStatement } from './sql-values.js';

export interface LogEntryInput {
  mappingId: number;
  couplingId: number | null;
  jobId: number | null;
  localId: string | null;
  integrationId: string | null;
  occurredAt: number;
  direction: string | null;
  action: SyncLogAction;
  changes: FieldChange[] | null;
  message: string | null;
  actor: string;
}

const COLUMNS = [
  'mapping_id',
  'coupling_id',
  'job_id',
  'local_id',
  'integration_id',
  'occurred_at',
  'direction',
  'action',
  'changes',
  'message',
  'actor',
];

/** Appends sync log entries in multi-row inserts. The log is append-only; retention deletes old rows. */
export class SyncLogRepository {
  async appendMany(sql: StoreSql, entries: readonly LogEntryInput[]): Promise<void> {
    for (const part of chunk(entries, rowsPerStatement(COLUMNS.length))) {
      await insertRows(sql, {
        table: 'sync_log_entry',
        columns: COLUMNS,
        rows: part.map((e) => [
          e.mappingId,
          e.couplingId,
          e.jobId,
          e.localId,
          e.integrationId,
          e.occurredAt,
          e.direction,
          e.action,
          e.changes === null ? null : JSON.stringify(e.changes),
          e.message,
          e.actor,
        ]),
      });
    }
  }
}
