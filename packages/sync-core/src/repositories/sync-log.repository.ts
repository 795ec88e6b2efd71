import type { Knex } from '@mikro-orm/knex';
import type { FieldChange } from '../engine/field-sync.js';
import type { SyncLogAction } from '../entities/enums.js';
import { chunk, rowsPerStatement } from './sql-values.js';

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

/** Appends sync log entries in multi-row inserts. The log is append-only; retention deletes old rows. */
export class SyncLogRepository {
  async appendMany(trx: Knex, entries: readonly LogEntryInput[]): Promise<void> {
    for (const part of chunk(entries, rowsPerStatement(11))) {
      await trx('sync_log_entry').insert(
        part.map((e) => ({
          mapping_id: e.mappingId,
          coupling_id: e.couplingId,
          job_id: e.jobId,
          local_id: e.localId,
          integration_id: e.integrationId,
          occurred_at: e.occurredAt,
          direction: e.direction,
          action: e.action,
          changes: e.changes === null ? null : JSON.stringify(e.changes),
          message: e.message,
          actor: e.actor,
        })),
      );
    }
  }
}
