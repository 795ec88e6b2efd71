import type { Knex } from '@mikro-orm/knex';
import type { SyncErrorKind } from '../entities/enums.js';
import { chunk, insertRows, rowsPerStatement } from './sql-values.js';

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

/**
 * Set-based writes of sync errors. A coupling has at most one OPEN error (a partial unique index): a
 * record that fails again updates that error — its kind, message and time — instead of adding another.
 */
const OPEN_COLUMNS = [
  'mapping_id',
  'coupling_id',
  'job_id',
  'kind',
  'status',
  'message',
  'detail',
  'local_id',
  'integration_id',
  'fields',
  'occurred_at',
];

export class SyncErrorRepository {
  constructor(private readonly knex: Knex) {}

  async openMany(trx: Knex, errors: readonly OpenErrorInput[]): Promise<void> {
    for (const part of chunk(errors, rowsPerStatement(OPEN_COLUMNS.length))) {
      await insertRows(trx, {
        table: 'sync_error',
        columns: OPEN_COLUMNS,
        rows: part.map((e) => [
          e.mappingId,
          e.couplingId,
          e.jobId,
          e.kind,
          'OPEN',
          e.message,
          e.detail,
          e.localId,
          e.integrationId,
          e.fields === null ? null : JSON.stringify(e.fields),
          e.occurredAt,
        ]),
        // The partial unique index allows one OPEN error per coupling: refresh it instead of adding one.
        suffix:
          "on conflict (coupling_id) where status = 'OPEN' do update set " +
          ['job_id', 'kind', 'message', 'detail', 'local_id', 'integration_id', 'fields', 'occurred_at']
            .map((c) => `${c} = excluded.${c}`)
            .join(', '),
      });
    }
  }

  /** Resolves the open errors of these couplings (a record that synced after all, or an action). */
  async resolveForCouplings(
    trx: Knex,
    couplingIds: readonly number[],
    resolution: string,
    by: string,
    at: number,
  ): Promise<number> {
    let resolved = 0;
    for (const part of chunk(couplingIds, 900)) {
      resolved += await trx('sync_error')
        .whereIn('coupling_id', part)
        .andWhere('status', 'OPEN')
        .update({ status: 'RESOLVED', resolution, resolved_by: by, resolved_at: at });
    }
    return resolved;
  }

  /** Ids of couplings among these that have an open error (to resolve only where there is one). */
  async couplingsWithOpenErrors(couplingIds: readonly number[]): Promise<Set<number>> {
    const found = new Set<number>();
    for (const part of chunk(couplingIds, 900)) {
      const rows = await this.knex('sync_error')
        .whereIn('coupling_id', part)
        .andWhere('status', 'OPEN')
        .select('coupling_id');
      for (const row of rows) found.add(Number(row.coupling_id));
    }
    return found;
  }
}
