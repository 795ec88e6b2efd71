import { type ColumnCodec, entityRows, type RowOf, without } from '../db/entity-rows.js';
import type { StoreSql } from '../db/store-sql.js';
import { messagePattern } from '../engine/message-pattern.js';
import { SyncErrorSchema } from '../entities/sync-error.entity.js';
import { chunk, insertRows, placeholders, rowsPerStatement } from './sql-values.js';

/** The conflicting field names of an UPDATE_CONFLICT (`sync_error.fields`): JSON, parsed. */
const FIELD_NAMES: ColumnCodec<string[] | null> = {
  read: (value) => (value === null ? null : (JSON.parse(String(value)) as string[])),
  write: (names) => (names === null ? null : JSON.stringify(names)),
};

/** The error's columns and row mappers, derived from its entity. */
const ERRORS = entityRows(SyncErrorSchema, { fields: FIELD_NAMES });
type SyncErrorRow = RowOf<typeof ERRORS>;

/** Set when an error is resolved, not when it is opened. */
const RESOLUTION = ['resolvedAt', 'resolvedBy', 'resolution'] as const;

/** What opening an error writes: every column but the id and the resolution. */
const OPENED = without(ERRORS.insertable, RESOLUTION);

/** What a repeated failure refreshes on the coupling's open error: all it was opened with but whose it is. */
const REFRESHED = ERRORS.columnsOf(without(OPENED, ['mappingId', 'couplingId', 'status']));

/**
 * An error the engine or an action opens for one coupling (or, for a failed insert, a pending one). Its
 * status is OPEN and its message pattern is worked out from the message.
 */
export type OpenErrorInput = Omit<SyncErrorRow, 'id' | 'status' | 'messagePattern' | (typeof RESOLUTION)[number]> & {
  couplingId: number;
};

/**
 * Set-based writes of sync errors. A coupling has at most one OPEN error (a partial unique index): a
 * record that fails again updates that error — its kind, message and time — instead of adding another.
 */
export class SyncErrorRepository {
  async openMany(sql: StoreSql, errors: readonly OpenErrorInput[]): Promise<void> {
    const columns = ERRORS.columnsOf(OPENED);
    const values = ERRORS.valuesOf(OPENED);
    for (const part of chunk(errors, rowsPerStatement(columns.length))) {
      await insertRows(sql, {
        table: ERRORS.table,
        columns,
        rows: part.map((error) => values({ ...error, status: 'OPEN', messagePattern: messagePattern(error.message) })),
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
