import type { FieldValues } from '../connectors/connector.js';
import {
  type CouplingStatus,
  PARKED,
  RELEASED_FOR_RETRY,
  type StatusChange,
  UNCOUPLED,
} from '../couplings/coupling-state-machine.js';
import type { StoreDialect } from '../db/orm.js';
import type { StoreSql, StoreSqlAccess } from '../db/store-sql.js';
import { parseValues } from '../engine/values.js';
import type { CouplingState, Side } from '../entities/enums.js';
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
  toBool,
  toNullableNumber,
  toNumber,
} from './sql-values.js';
import type { SqlCondition } from './sync-error-filter.js';

/** A coupling as the engine and the actions handle it: plain data, values parsed. */
export interface CouplingRow {
  id: number;
  mappingId: number;
  localId: string | null;
  integrationId: string | null;
  state: CouplingState;
  localModifiedUs: number | null;
  integrationModifiedUs: number | null;
  localValues: FieldValues | null;
  integrationValues: FieldValues | null;
  parked: boolean;
  failureCount: number;
  lastFailure: string | null;
  retryRequested: boolean;
  lastSyncedAt: number | null;
  lastJobId: number | null;
  createdAt: number;
}

export type NewCoupling = Omit<CouplingRow, 'id'>;

const COLUMNS = [
  'mapping_id',
  'local_id',
  'integration_id',
  'state',
  'local_modified_us',
  'integration_modified_us',
  'local_values',
  'integration_values',
  'parked',
  'failure_count',
  'last_failure',
  'retry_requested',
  'last_synced_at',
  'last_job_id',
  'created_at',
] as const;

/** The columns a sync changes, id first (to join on). */
const SYNC_STATE_COLUMNS = [
  'id',
  'local_modified_us',
  'integration_modified_us',
  'local_values',
  'integration_values',
  'parked',
  'failure_count',
  'last_failure',
  'retry_requested',
  'last_synced_at',
  'last_job_id',
] as const;

/** The columns a recorded failure changes, id first (to join on). */
const FAILURE_COLUMNS = ['id', 'failure_count', 'last_failure', 'parked', 'retry_requested', 'last_job_id'] as const;

/** The column of each field of a coupling's rule-7 status. */
const STATUS_COLUMNS: Record<keyof CouplingStatus, (typeof COLUMNS)[number]> = {
  state: 'state',
  parked: 'parked',
  failureCount: 'failure_count',
  lastFailure: 'last_failure',
  retryRequested: 'retry_requested',
};

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
    const column = side === 'LOCAL' ? 'local_id' : 'integration_id';
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
    for (const part of chunk(couplings, rowsPerStatement(COLUMNS.length))) {
      const returned = await insertRows(sql, {
        table: 'coupling',
        columns: COLUMNS,
        rows: part.map((c) => this.toValues(c)),
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
      for (const part of chunk(couplings, rowsPerStatement(COLUMNS.length + 1))) {
        await insertRows(sql, {
          table: 'coupling',
          columns: ['id', ...COLUMNS],
          rows: part.map((c) => [c.id, ...this.toValues(c)]),
          suffix: `on conflict (id) do update set ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
        });
      }
      return;
    }
    await this.updateColumns(
      sql,
      SYNC_STATE_COLUMNS,
      couplings.map((c) => this.rowValues(c, SYNC_STATE_COLUMNS)),
    );
  }

  /**
   * Record a failure (rule 7): writes each coupling's failure count, last failure and parking as
   * `afterFailure` computed them, by id, one statement per chunk. The rest of the row stays as it was:
   * nothing of a failed record was synced.
   */
  async recordFailures(sql: StoreSql, couplings: readonly CouplingRow[]): Promise<void> {
    await this.updateColumns(
      sql,
      FAILURE_COLUMNS,
      couplings.map((c) => this.rowValues(c, FAILURE_COLUMNS)),
    );
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
      column: STATUS_COLUMNS[field as keyof CouplingStatus],
      value: typeof value === 'boolean' ? sqlBool(this.dialect, value) : value,
    }));
    if (jobId !== undefined) assignments.push({ column: 'last_job_id', value: jobId });
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

  /** Writes `columns` (id first) of many couplings by id: `UPDATE … FROM` the rows, one statement per chunk. */
  private async updateColumns(
    sql: StoreSql,
    columns: readonly string[],
    rows: ReadonlyArray<readonly unknown[]>,
  ): Promise<void> {
    const assignments = columns
      .slice(1)
      .map((c) => `${c} = v.${c}`)
      .join(', ');
    for (const part of chunk(rows, rowsPerStatement(columns.length))) {
      if (this.dialect === 'postgresql') {
        await sql.run(
          `update coupling set ${assignments} from ${tableRows('coupling')} as v where coupling.id = v.id`,
          [tableRowsParam(columns, part)],
        );
      } else {
        await sql.run(
          `with v (${columns.join(', ')}) as (values ${part.map(() => `(${placeholders(columns.length)})`).join(', ')}) ` +
            `update coupling set ${assignments} from v where coupling.id = v.id`,
          part.flat(),
        );
      }
    }
  }

  async deleteMany(sql: StoreSql, ids: readonly number[]): Promise<void> {
    for (const part of chunk(ids, IDS_PER_STATEMENT)) {
      await sql.run(`delete from coupling where id in (${placeholders(part.length)})`, part);
    }
  }

  /** A coupling's values of `columns` (`id` among them), in their order. */
  private rowValues(c: CouplingRow, columns: readonly string[]): unknown[] {
    const values: Record<string, unknown> = { id: c.id, ...this.columnValues(c) };
    return columns.map((column) => values[column]);
  }

  /** A coupling's column values, in the order of COLUMNS. */
  private toValues(c: NewCoupling): unknown[] {
    const values = this.columnValues(c);
    return COLUMNS.map((column) => values[column]);
  }

  /** A coupling's values by column, as the store's driver takes them. */
  private columnValues(c: NewCoupling): Record<(typeof COLUMNS)[number], unknown> {
    return {
      mapping_id: c.mappingId,
      local_id: c.localId,
      integration_id: c.integrationId,
      state: c.state,
      local_modified_us: c.localModifiedUs,
      integration_modified_us: c.integrationModifiedUs,
      local_values: c.localValues === null ? null : JSON.stringify(c.localValues),
      integration_values: c.integrationValues === null ? null : JSON.stringify(c.integrationValues),
      parked: sqlBool(this.dialect, c.parked),
      failure_count: c.failureCount,
      last_failure: c.lastFailure,
      retry_requested: sqlBool(this.dialect, c.retryRequested),
      last_synced_at: c.lastSyncedAt,
      last_job_id: c.lastJobId,
      created_at: c.createdAt,
    };
  }
}

export function fromRow(row: Record<string, unknown>): CouplingRow {
  return {
    id: toNumber(row.id),
    mappingId: toNumber(row.mapping_id),
    localId: (row.local_id as string | null) ?? null,
    integrationId: (row.integration_id as string | null) ?? null,
    state: row.state as CouplingState,
    localModifiedUs: toNullableNumber(row.local_modified_us),
    integrationModifiedUs: toNullableNumber(row.integration_modified_us),
    localValues: parseValues((row.local_values as string | null) ?? null),
    integrationValues: parseValues((row.integration_values as string | null) ?? null),
    parked: toBool(row.parked),
    failureCount: toNumber(row.failure_count),
    lastFailure: (row.last_failure as string | null) ?? null,
    retryRequested: toBool(row.retry_requested),
    lastSyncedAt: toNullableNumber(row.last_synced_at),
    lastJobId: toNullableNumber(row.last_job_id),
    createdAt: toNumber(row.created_at),
  };
}
