import type { FieldValues } from '../connectors/connector.js';
import {
  type CouplingStatus,
  PARKED,
  RELEASED_FOR_RETRY,
  type StatusChange,
  UNCOUPLED,
} from '../couplings/coupling-state-machine.js';
import { type ColumnCodec, entityRows, type RowOf } from '../db/entity-rows.js';
import type { StoreDialect } from '../db/orm.js';
import { flattenRows, tupleList } from '../db/sql-parts.js';
import type { StoreSql, StoreSqlAccess } from '../db/store-sql.js';
import { parseValues } from '../engine/values.js';
import { CouplingSchema } from '../entities/coupling.entity.js';
import type { Side } from '../entities/enums.js';
import {
  ATTENTION_PREDICATE_POSTGRES,
  ATTENTION_PREDICATE_SQLITE,
} from '../migrations/Migration20261126020000_coupling_attention_index.js';
import {
  chunk,
  insertRows,
  placeholders,
  rowsPerStatement,
  sqlBool,
  tableRows,
  tableRowsParam,
  toNumber,
} from './sql-values.js';
import type { SqlCondition } from './sync-error-filter.js';

/** A snapshot column (`local_values`, `integration_values`): JSON of the mapped fields' values, parsed. */
const FIELD_VALUES: ColumnCodec<FieldValues | null> = {
  read: (value) => parseValues(value as string | null),
  write: (values) => (values === null ? null : JSON.stringify(values)),
};

/** The coupling's columns and row mappers, derived from its entity. */
const COUPLINGS = entityRows(CouplingSchema, { localValues: FIELD_VALUES, integrationValues: FIELD_VALUES });

/** A coupling as the engine and the actions handle it: plain data, values parsed. */
export type CouplingRow = RowOf<typeof COUPLINGS>;

export type NewCoupling = Omit<CouplingRow, 'id'>;

/** What an insert writes: every column but the id. */
const INSERTED = COUPLINGS.insertable;

/** What a sync changes, id first (to join on). */
const SYNC_STATE = [
  'id',
  'localModifiedUs',
  'integrationModifiedUs',
  'localValues',
  'integrationValues',
  'parked',
  'failureCount',
  'lastFailure',
  'retryRequested',
  'lastSyncedAt',
  'lastJobId',
] as const;

/** What a recorded failure changes, id first (to join on). */
const FAILURE = ['id', 'failureCount', 'lastFailure', 'parked', 'retryRequested', 'lastJobId'] as const;

/** Ids per IN list: well under both databases' bound-parameter limits. */
const IDS_PER_STATEMENT = 900;

/** The couplings a status change applies to: these ids, or the couplings of the errors a condition selects. */
export type CouplingTarget = { ids: readonly number[] } | { errorsWhere: SqlCondition };

/**
 * `last_job_id` for a status change: the job (or null for an action's work through the engine) that made
 * it; `undefined` leaves it, for a triage action that changes the store alone and is no job.
 */
type JobMark = number | null | undefined;

/** Set-based reads and writes of couplings: one statement per batch, never one flush per row. */
export class CouplingRepository {
  private readonly dialect: StoreDialect;

  constructor(private readonly store: StoreSqlAccess) {
    this.dialect = store.dialect;
  }

  /** Couplings of a mapping whose record on `side` has one of these ids. */
  async findBySideIds(mappingId: number, side: Side, ids: readonly string[]): Promise<CouplingRow[]> {
    const column = COUPLINGS.column[side === 'LOCAL' ? 'localId' : 'integrationId'];
    return this.store.session(async (sql) => {
      const rows: CouplingRow[] = [];
      for (const part of chunk(ids, IDS_PER_STATEMENT)) {
        const found = await sql.query(
          `select * from coupling where mapping_id = ? and ${column} in (${placeholders(part.length)})`,
          [mappingId, ...part],
        );
        for (const row of found) rows.push(fromRow(row));
      }
      return rows;
    });
  }

  async findByIds(ids: readonly number[]): Promise<CouplingRow[]> {
    return this.store.session(async (sql) => {
      const rows: CouplingRow[] = [];
      for (const part of chunk(ids, IDS_PER_STATEMENT)) {
        const found = await sql.query(`select * from coupling where id in (${placeholders(part.length)})`, part);
        for (const row of found) rows.push(fromRow(row));
      }
      return rows;
    });
  }

  /**
   * Skip if parked: those of these couplings of the mapping that a job may sync — neither parked nor
   * uncoupled (a RETRY job's scope, read when the job runs: an action may have acted since).
   */
  async findSyncableByIds(mappingId: number, ids: readonly number[]): Promise<CouplingRow[]> {
    return this.store.session(async (sql) => {
      const rows: CouplingRow[] = [];
      for (const part of chunk(ids, IDS_PER_STATEMENT)) {
        const found = await sql.query(
          `select * from coupling where mapping_id = ? and parked = ? and state <> 'UNCOUPLED' and id in (${placeholders(part.length)}) order by id`,
          [mappingId, sqlBool(this.dialect, false), ...part],
        );
        for (const row of found) rows.push(fromRow(row));
      }
      return rows;
    });
  }

  /**
   * Couplings that a normal run must look at although their records may not have changed: released
   * for retry, failed once and not parked yet, or left PENDING by an interrupted insert. Keyset by id.
   */
  async findNeedingAttention(mappingId: number, afterId: number, limit: number): Promise<CouplingRow[]> {
    // The predicate is the partial index's, word for word (see the migration), so that it serves the query.
    const predicate = this.dialect === 'postgresql' ? ATTENTION_PREDICATE_POSTGRES : ATTENTION_PREDICATE_SQLITE;
    const rows = await this.store.session((sql) =>
      sql.query(
        `select * from coupling where mapping_id = ? and id > ? and ${predicate} and parked = ? order by id limit ?`,
        [mappingId, afterId, sqlBool(this.dialect, false), limit],
      ),
    );
    return rows.map(fromRow);
  }

  /** Coupled (not pending, not parked) couplings in id order, for the deletion scan. */
  async pageCoupled(mappingId: number, afterId: number, limit: number): Promise<CouplingRow[]> {
    const rows = await this.store.session((sql) =>
      sql.query(
        "select * from coupling where mapping_id = ? and state = 'COUPLED' and parked = ? and id > ? order by id limit ?",
        [mappingId, sqlBool(this.dialect, false), afterId, limit],
      ),
    );
    return rows.map(fromRow);
  }

  /** Inserts couplings in multi-row statements and returns them with their ids, in order. */
  async insertMany(sql: StoreSql, couplings: readonly NewCoupling[]): Promise<CouplingRow[]> {
    const created: CouplingRow[] = [];
    const values = COUPLINGS.valuesOf(INSERTED);
    for (const part of chunk(couplings, rowsPerStatement(INSERTED.length))) {
      const returned = await insertRows(sql, {
        table: COUPLINGS.table,
        columns: COUPLINGS.columnsOf(INSERTED),
        rows: part.map(values),
        suffix: 'returning id',
      });
      // Both databases return the rows of a multi-row VALUES insert in the order given.
      for (const [index, coupling] of part.entries()) created.push({ ...coupling, id: toNumber(returned[index]!.id) });
    }
    return created;
  }

  /**
   * Writes couplings back by id, one statement per chunk. By default only the sync state (modified-on
   * values, snapshots, and the status: failures cleared after a sync, rule 7) is written, with
   * `UPDATE … FROM (VALUES …)`: leaving the record
   * ids out of the SET list spares both unique indexes, which dominates on a million couplings.
   * `identity: true` also writes the record ids and the state (a restore, a PENDING coupling completed).
   */
  async updateMany(
    sql: StoreSql,
    couplings: readonly CouplingRow[],
    options: { identity?: boolean } = {},
  ): Promise<void> {
    if (options.identity) {
      const columns = COUPLINGS.columnsOf(INSERTED);
      const values = COUPLINGS.valuesOf(['id', ...INSERTED]);
      for (const part of chunk(couplings, rowsPerStatement(columns.length + 1))) {
        await insertRows(sql, {
          table: COUPLINGS.table,
          columns: [COUPLINGS.column.id, ...columns],
          rows: part.map(values),
          suffix: `on conflict (id) do update set ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
        });
      }
      return;
    }
    await this.updateColumns(sql, SYNC_STATE, couplings);
  }

  /**
   * Record a failure (rule 7): writes each coupling's failure count, last failure and parking as
   * `afterFailure` computed them, by id, one statement per chunk. The rest of the row stays as it was:
   * nothing of a failed record was synced.
   */
  async recordFailures(sql: StoreSql, couplings: readonly CouplingRow[]): Promise<void> {
    await this.updateColumns(sql, FAILURE, couplings);
  }

  /** Park (rule 7): an update conflict or a deletion waits for a person; later jobs skip these couplings. */
  park(sql: StoreSql, target: CouplingTarget, jobId: number | null): Promise<number> {
    return this.changeStatus(sql, PARKED, target, jobId);
  }

  /** Release for retry (rule 7): the next job looks at these couplings again. Returns how many. */
  releaseForRetry(sql: StoreSql, target: CouplingTarget): Promise<number> {
    return this.changeStatus(sql, RELEASED_FOR_RETRY, target, undefined);
  }

  /** Uncouple: these couplings' records no longer sync (the rows stay, as UNCOUPLED). Returns how many. */
  uncouple(sql: StoreSql, target: CouplingTarget, jobId: JobMark): Promise<number> {
    return this.changeStatus(sql, UNCOUPLED, target, jobId);
  }

  /** One status change for a whole set of couplings: one UPDATE per chunk of ids, or one for a condition. */
  private async changeStatus(sql: StoreSql, change: StatusChange, target: CouplingTarget, jobId: JobMark) {
    const assignments = Object.entries(change).map(([field, value]) => ({
      column: COUPLINGS.column[field as keyof CouplingStatus],
      value: typeof value === 'boolean' ? sqlBool(this.dialect, value) : value,
    }));
    if (jobId !== undefined) assignments.push({ column: COUPLINGS.column.lastJobId, value: jobId });
    const set = assignments.map(({ column }) => `${column} = ?`).join(', ');
    const values = assignments.map(({ value }) => value);
    if ('errorsWhere' in target) {
      return sql.run(
        `update coupling set ${set} where id in (select coupling_id from sync_error where ${target.errorsWhere.sql})`,
        [...values, ...target.errorsWhere.params],
      );
    }
    let changed = 0;
    for (const part of chunk(target.ids, IDS_PER_STATEMENT)) {
      changed += await sql.run(`update coupling set ${set} where id in (${placeholders(part.length)})`, [
        ...values,
        ...part,
      ]);
    }
    return changed;
  }

  /** Writes `properties` (id first) of many couplings by id: `UPDATE … FROM` the rows, one statement per chunk. */
  private async updateColumns(
    sql: StoreSql,
    properties: readonly (keyof CouplingRow & string)[],
    couplings: readonly CouplingRow[],
  ): Promise<void> {
    const columns = COUPLINGS.columnsOf(properties);
    const values = COUPLINGS.valuesOf(properties);
    const assignments = columns
      .slice(1)
      .map((c) => `${c} = v.${c}`)
      .join(', ');
    for (const part of chunk(couplings, rowsPerStatement(columns.length))) {
      const rows = part.map(values);
      if (this.dialect === 'postgresql') {
        await sql.run(
          `update coupling set ${assignments} from ${tableRows('coupling')} as v where coupling.id = v.id`,
          [tableRowsParam(columns, rows)],
        );
      } else {
        await sql.run(
          `with v (${columns.join(', ')}) as (values ${tupleList(rows.length, placeholders(columns.length))}) ` +
            `update coupling set ${assignments} from v where coupling.id = v.id`,
          flattenRows(rows),
        );
      }
    }
  }

  async deleteMany(sql: StoreSql, ids: readonly number[]): Promise<void> {
    for (const part of chunk(ids, IDS_PER_STATEMENT)) {
      await sql.run(`delete from coupling where id in (${placeholders(part.length)})`, part);
    }
  }
}

/** A coupling row as either store's driver returns it, as the engine and the actions handle it. */
export const fromRow: (row: Record<string, unknown>) => CouplingRow = COUPLINGS.fromRow;
