import { randomUUID } from 'node:crypto';
import { chunk as chunksOf, tupleList } from '../../db/sql-parts.js';
import {
  type FieldValues,
  type TableSpec,
  TransientConnectorError,
  type UpdateRow,
  type WriteResult,
} from '../connector.js';
import { quoteIdent, type SqlClient, type SqlRow, type SqlTransaction } from './sql-client.js';
import { ID_ALIAS, IDS_PER_STATEMENT, idList, paramValue, recordKey, recordKeyColumns, unique } from './sql-record.js';
import type { TableLayout } from './table-layout.js';

/** Rows per multi-row INSERT, and a cap on its parameters. */
const ROWS_PER_INSERT = 500;
const PARAMS_PER_STATEMENT = 30_000;

/**
 * The writing half of the SQL table connector: inserts, updates and deletes in batches, each call in one
 * transaction. Every write sets the modified-on column to now and returns the stored value (the engine
 * keeps it on the coupling, so its own writes never come back as changes). A statement the app refuses
 * is retried row by row in savepoints, so that one bad row fails alone and never throws.
 */
export class SqlTableWriter {
  constructor(
    private readonly client: SqlClient,
    private readonly spec: TableSpec,
    /** The table's layout, learnt once by the table connector. */
    private readonly layout: () => Promise<TableLayout>,
  ) {}

  async insert(rows: readonly FieldValues[]): Promise<WriteResult[]> {
    const layout = await this.layout();
    const results: WriteResult[] = new Array(rows.length);
    const pending: PendingInsert[] = [];
    rows.forEach((values, index) => {
      const unknown = this.unknownColumn(layout, values);
      if (unknown) results[index] = unknown;
      else pending.push({ index, values: this.insertValues(layout, values) });
    });
    await this.client.transaction(async (tx) => {
      for (const group of groupByColumns(pending)) {
        for (const chunk of insertChunks(group)) {
          await this.insertChunk(tx, layout, chunk, results);
        }
      }
    });
    return results;
  }

  /**
   * Rows that set the same columns go in one `UPDATE … FROM (VALUES …)` statement per chunk: one
   * statement instead of one per row. When the app refuses such a statement (a constraint, a bad value),
   * its rows are written one by one, so that only the bad rows fail. The same id twice in one call is
   * written row by row too: its second write must be later than its first.
   */
  async update(rows: readonly UpdateRow[]): Promise<WriteResult[]> {
    const layout = await this.layout();
    return this.client.transaction(async (tx) => {
      const results: WriteResult[] = new Array(rows.length);
      const groups = new Map<string, number[]>();
      const seen = new Set<string>();
      const singles: number[] = [];
      rows.forEach((row, index) => {
        const unknown = this.unknownColumn(layout, row.values);
        if (unknown) {
          results[index] = unknown;
          return;
        }
        if (seen.has(row.id)) {
          singles.push(index);
          return;
        }
        seen.add(row.id);
        const key = this.writableColumns(row.values).join('\u0000');
        groups.set(key, [...(groups.get(key) ?? []), index]);
      });
      for (const [key, indexes] of groups) {
        const columns = key === '' ? [] : key.split('\u0000');
        for (const part of chunksOf(
          indexes,
          Math.max(1, Math.floor((PARAMS_PER_STATEMENT - 1) / (columns.length + 1))),
        )) {
          const written = await this.updateChunk(
            tx,
            layout,
            columns,
            part.map((i) => rows[i]!),
          );
          for (const [n, i] of part.entries()) {
            results[i] = written ? written[n]! : await this.updateRow(tx, layout, rows[i]!);
          }
        }
      }
      for (const i of singles) results[i] = await this.updateRow(tx, layout, rows[i]!);
      return results;
    });
  }

  /** A missing row counts as deleted; deletes carry no modified-on, so `modifiedUs` is 0. */
  async delete(ids: readonly string[]): Promise<WriteResult[]> {
    const layout = await this.layout();
    const failures = new Map<string, WriteResult>();
    await this.client.transaction(async (tx) => {
      for (const chunk of chunksOf(unique(ids), IDS_PER_STATEMENT)) {
        const sql = `delete from ${layout.table} where ${layout.id} in (${idList(layout, chunk.length)})`;
        try {
          await tx.statement(() => tx.run(sql, chunk));
        } catch (error) {
          if (error instanceof TransientConnectorError) throw error;
          // One row is held (a foreign key, a trigger): delete one by one so only that row fails.
          for (const id of chunk) {
            const result = await rowAttempt(tx, async () => {
              await tx.run(`delete from ${layout.table} where ${layout.id} = ${layout.idParam}`, [id]);
              return { ok: true as const, id, modifiedUs: 0 };
            });
            if (!result.ok) failures.set(id, result);
          }
        }
      }
    });
    return ids.map((id) => failures.get(id) ?? { ok: true, id, modifiedUs: 0 });
  }

  /** One statement for rows setting the same columns; null when the app refused it (then row by row). */
  private async updateChunk(
    tx: SqlTransaction,
    layout: TableLayout,
    columns: readonly string[],
    rows: readonly UpdateRow[],
  ): Promise<WriteResult[] | null> {
    if (rows.length === 1) return [await this.updateRow(tx, layout, rows[0]!)];
    const { modifiedOn } = layout;
    const cast = (column: string) => this.valueParam(layout, column);
    const tuple = [layout.joinedIdParam, ...columns.map(cast)].join(', ');
    // The VALUES columns have names no app column is likely to have, so nothing in SET or RETURNING is ambiguous.
    const names = ['tandem_v_id', ...columns.map((_, i) => `tandem_v_${i}`)];
    const assignments = [
      ...columns.map((c, i) => `${quoteIdent(c)} = tandem_v.tandem_v_${i}`),
      `${this.modified()} = ${modifiedOn.updateSql}`,
    ];
    const sql = `with tandem_v (${names.join(', ')}) as (values ${tupleList(rows.length, tuple)})
      update ${layout.table} set ${assignments.join(', ')} from tandem_v where ${layout.id} = tandem_v.tandem_v_id
      returning ${recordKeyColumns(layout)}`;
    const params: unknown[] = [];
    for (const row of rows) {
      params.push(row.id);
      for (const column of columns) params.push(paramValue(row.values[column]));
    }
    params.push(...modifiedOn.writeParams());
    let stored: SqlRow[];
    try {
      stored = await tx.statement(() => tx.query(sql, params));
    } catch (error) {
      if (error instanceof TransientConnectorError) throw error;
      return null;
    }
    const byId = new Map(stored.map((row) => [String(row[ID_ALIAS]), row]));
    return rows.map((row) => {
      const found = byId.get(row.id);
      return found ? written(found) : { ok: false as const, message: 'record not found' };
    });
  }

  private async updateRow(tx: SqlTransaction, layout: TableLayout, row: UpdateRow): Promise<WriteResult> {
    const { modifiedOn } = layout;
    const columns = this.writableColumns(row.values);
    const assignments = [...columns.map((c) => `${quoteIdent(c)} = ?`), `${this.modified()} = ${modifiedOn.updateSql}`];
    const params = [...columns.map((c) => paramValue(row.values[c])), ...modifiedOn.writeParams(), row.id];
    const sql = `update ${layout.table} set ${assignments.join(', ')} where ${layout.id} = ${layout.idParam}
      returning ${recordKeyColumns(layout)}`;
    return rowAttempt(tx, async () => {
      const [stored] = await tx.query(sql, params);
      return stored ? written(stored) : { ok: false as const, message: 'record not found' };
    });
  }

  /**
   * A value placeholder typed for its column. PostgreSQL types the columns of a VALUES list from its
   * parameters, which are untyped; SQLite needs no cast.
   */
  private valueParam(layout: TableLayout, column: string): string {
    if (this.client.dialect === 'sqlite') return '?';
    return `cast(? as ${layout.byName.get(column)!.type})`;
  }

  private modified(): string {
    return quoteIdent(this.spec.modifiedColumn);
  }

  private unknownColumn(layout: TableLayout, values: FieldValues): WriteResult | null {
    const unknown = Object.keys(values).filter((name) => !layout.byName.has(name));
    if (unknown.length === 0) return null;
    return {
      ok: false,
      message: `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} in table "${this.spec.table}"`,
    };
  }

  /** Columns the caller sets; modified-on is always the connector's to set. */
  private writableColumns(values: FieldValues): string[] {
    return Object.keys(values).filter((name) => name !== this.spec.modifiedColumn && values[name] !== undefined);
  }

  private insertValues(layout: TableLayout, values: FieldValues): FieldValues {
    const row: FieldValues = {};
    for (const name of this.writableColumns(values)) row[name] = values[name];
    const idGiven = row[this.spec.idColumn] !== undefined && row[this.spec.idColumn] !== null;
    if (!idGiven) {
      delete row[this.spec.idColumn];
      if (!layout.idHasDefault) row[this.spec.idColumn] = randomUUID();
    }
    return row;
  }

  /**
   * One multi-row INSERT, which is fast; when the app refuses it (a constraint, a bad value) the rows go
   * in one by one, each in its own savepoint, so that only the bad ones fail.
   */
  private async insertChunk(
    tx: SqlTransaction,
    layout: TableLayout,
    chunk: PendingInsert[],
    results: WriteResult[],
  ): Promise<void> {
    try {
      const stored = await tx.statement(() =>
        tx.query(this.insertSql(layout, chunk), this.insertParams(layout, chunk)),
      );
      // RETURNING yields the rows of a plain multi-row VALUES insert in the order they were given.
      chunk.forEach((row, i) => {
        const returned = stored[i];
        results[row.index] = returned ? written(returned) : { ok: false, message: 'the database returned no row' };
      });
      return;
    } catch (error) {
      if (error instanceof TransientConnectorError) throw error;
      if (chunk.length === 1) {
        results[chunk[0]!.index] = rowFailure(error);
        return;
      }
    }
    for (const row of chunk) {
      results[row.index] = await rowAttempt(tx, async () => {
        const [stored] = await tx.query(this.insertSql(layout, [row]), this.insertParams(layout, [row]));
        return stored ? written(stored) : { ok: false as const, message: 'the database returned no row' };
      });
    }
  }

  private insertSql(layout: TableLayout, chunk: PendingInsert[]): string {
    const columns = Object.keys(chunk[0]!.values);
    const names = [...columns.map(quoteIdent), this.modified()].join(', ');
    const tuple = [...columns.map(() => '?'), layout.modifiedOn.insertSql].join(', ');
    return `insert into ${layout.table} (${names}) values ${tupleList(chunk.length, tuple)} returning ${recordKeyColumns(layout)}`;
  }

  private insertParams(layout: TableLayout, chunk: PendingInsert[]): unknown[] {
    const params: unknown[] = [];
    for (const row of chunk) {
      for (const value of Object.values(row.values)) params.push(paramValue(value));
      params.push(...layout.modifiedOn.writeParams());
    }
    return params;
  }
}

interface PendingInsert {
  /** Position in the caller's rows, where its result goes. */
  index: number;
  values: FieldValues;
}

function written(row: SqlRow): WriteResult {
  return { ok: true, ...recordKey(row) };
}

/**
 * Runs one row's statement in a savepoint; a refusal by the app becomes that row's failed result. Only
 * a transient failure (the database went away) escapes, because then the whole call failed.
 */
async function rowAttempt(tx: SqlTransaction, attempt: () => Promise<WriteResult>): Promise<WriteResult> {
  try {
    return await tx.statement(attempt);
  } catch (error) {
    if (error instanceof TransientConnectorError) throw error;
    return rowFailure(error);
  }
}

/** The app's message, and what else it said (PostgreSQL's detail, the error code) as detail. */
function rowFailure(error: unknown): WriteResult {
  if (!(error instanceof Error)) return { ok: false, message: String(error) };
  const { code, detail } = error as { code?: unknown; detail?: unknown };
  const parts = [typeof code === 'string' ? code : null, typeof detail === 'string' ? detail : null].filter(Boolean);
  return parts.length > 0
    ? { ok: false, message: error.message, detail: parts.join(': ') }
    : { ok: false, message: error.message };
}

/** Rows with the same columns, so that each group can share one multi-row INSERT. */
function groupByColumns(rows: PendingInsert[]): PendingInsert[][] {
  const groups = new Map<string, PendingInsert[]>();
  for (const row of rows) {
    const key = Object.keys(row.values).join('\u0000');
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

function insertChunks(group: PendingInsert[]): PendingInsert[][] {
  const perRow = Object.keys(group[0]!.values).length + 1;
  const size = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(PARAMS_PER_STATEMENT / perRow)));
  return chunksOf(group, size);
}
