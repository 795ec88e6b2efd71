import type { StoreSql } from '../db/store-sql.js';
import { messagePattern } from '../engine/message-pattern.js';
import type { SyncErrorKind } from '../entities/enums.js';
import { chunk, insertRows, placeholders, rowsPerStatement } from './sql-values.js';

/** An error the engine or an action opens for one coupling (or, for a failed insert, a pending one). */
export interface OpenErrorInput {
  mappingId: number;
  couplingId: number;
  jobId: number | null;
  kind: SyncErrorKind;
  message: string;
  detail: string | null;
  localId: string | null;
  integrationId: string | null;
  /** Conflicting field names, for UPDATE_CONFLICT. */
  fields: string[] | null;
  occurredAt: number;
}

const OPEN_COLUMNS = [
  'mapping_id',
  'coupling_id',
  'job_id',
  'kind',
  'status',
  'message',
  'message_pattern',
  'detail',
  'local_id',
  'integration_id',
  'fields',
  'occurred_at',
];

/** Columns a repeated failure refreshes on the coupling's open error. */
const REFRESHED = [
  'job_id',
  'kind',
  'message',
  'message_pattern',
  'detail',
  'local_id',
  'integration_id',
  'fields',
  'occurred_at',
];

/**
 * Set-based writes of sync errors. A coupling has at most one OPEN error (a partial unique index): a
 * record that fails again updates that error — its kind, message and time — instead of adding another.
 */
export class SyncErrorRepository {
  async openMany(sql: StoreSql, errors: readonly OpenErrorInput[]): Promise<void> {
    for (const part of chunk(errors, rowsPerStatement(OPEN_COLUMNS.length))) {
      await insertRows(sql, {
        table: 'sync_error',
        columns: OPEN_COLUMNS,
        rows: part.map((e) => [
          e.mappingId,
          e.couplingId,
          e.jobId,
          e.kind,
          'OPEN',
          e.message,
          messagePattern(e.message),
          e.detail,
          e.localId,
          e.integrationId,
          e.fields === null ? null : JSON.stringify(e.fields),
          e.occurredAt,
        ]),
        suffix: `on conflict (coupling_id) where status = 'OPEN' do update set ${REFRESHED.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      });
    }
  }

  /** Resolves the open errors of these couplings (a record that synced after all, or an action). */
  async resolveForCouplings(
    sql: StoreSql,
    couplingIds: readonly number[],
    resolution: string,
    by: string,
    at: number,
  ): Promise<number> {
    let resolved = 0;
    for (const part of chunk(couplingIds, 900)) {
      resolved += await sql.run(
        `update sync_error set status = 'RESOLVED', resolution = ?, resolved_by = ?, resolved_at = ?
         where coupling_id in (${placeholders(part.length)}) and status = 'OPEN'`,
        [resolution, by, at, ...part],
      );
    }
    return resolved;
  }
}
