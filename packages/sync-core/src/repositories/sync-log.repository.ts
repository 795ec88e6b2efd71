import { type ColumnCodec, entityRows, type RowOf } from '../db/entity-rows.js';
import type { StoreSql } from '../db/store-sql.js';
import type { FieldChange } from '../engine/field-sync.js';
import { SyncLogEntrySchema } from '../entities/sync-log-entry.entity.js';
import { chunk, insertRows, rowsPerStatement } from './sql-values.js';

/** The field changes of an entry (`sync_log_entry.changes`): JSON, parsed. */
const FIELD_CHANGES: ColumnCodec<FieldChange[] | null> = {
  read: (value) => (value === null ? null : (JSON.parse(String(value)) as FieldChange[])),
  write: (changes) => (changes === null ? null : JSON.stringify(changes)),
};

/** The log's columns and row mappers, derived from its entity. */
const LOG_ENTRIES = entityRows(SyncLogEntrySchema, { changes: FIELD_CHANGES });

/** An entry as the engine and the actions append it: every column but the id. */
export type LogEntryInput = Omit<RowOf<typeof LOG_ENTRIES>, 'id'>;

/** Appends sync log entries in multi-row inserts. The log is append-only; retention deletes old rows. */
export class SyncLogRepository {
  async appendMany(sql: StoreSql, entries: readonly LogEntryInput[]): Promise<void> {
    const columns = LOG_ENTRIES.columnsOf(LOG_ENTRIES.insertable);
    const values = LOG_ENTRIES.valuesOf(LOG_ENTRIES.insertable);
    for (const part of chunk(entries, rowsPerStatement(columns.length))) {
      await insertRows(sql, { table: LOG_ENTRIES.table, columns, rows: part.map(values) });
    }
  }
}
