import { randomUUID } from 'node:crypto';
import { parseDatabaseUrl, redact } from '../../db/database-url.js';
import { chunk as chunksOf } from '../../db/sql-parts.js';
import {
  type ChangeCursor,
  type ColumnInfo,
  type Connector,
  type FieldValues,
  type SourceRecord,
  type TableConnector,
  type TableSpec,
  TransientConnectorError,
  type UpdateRow,
  type WriteResult,
} from '../connector.js';
import { openSqliteApp, unreachableApp } from './app-database.js';
import { compileFilter, type SqlFilter } from './filter-sql.js';
import { PostgresClient } from './postgres-client.js';
import { placeholders, quoteIdent, type SqlClient, type SqlRow, type SqlTransaction } from './sql-client.js';
import { describeTable, loadLayout, type TableLayout } from './table-layout.js';

/** Ids per statement for IN lists: well under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_STATEMENT = 500;
/** Rows per multi-row INSERT, and a cap on its parameters. */
const ROWS_PER_INSERT = 500;
const PARAMS_PER_STATEMENT = 30_000;

/** Aliases for the two values every read returns next to the fields. */
const ID_ALIAS = '__tandem_id';
const MODIFIED_ALIAS = '__tandem_modified_us';

/** A relational app database (SQLite or PostgreSQL) as a Tandem connector. */
export class SqlConnector implements Connector {
  constructor(
    readonly name: string,
    readonly client: SqlClient,
    /** The URL it was opened with, password hidden: for messages. */
    private readonly url = '',
  ) {}

  /**
   * Opens `sqlite:PATH` or `postgres://…`; the app's database must exist (it is never created). A
   * SQLite file is opened now, so a missing one is an `InvalidConfigError` naming `connectors.NAME.url`
   * at once; PostgreSQL connects on first use (see `verify`).
   */
  static open(name: string, url: string): SqlConnector {
    const where = `connectors.${name}.url`;
    const parsed = parseDatabaseUrl(url, where);
    const client = parsed.dialect === 'sqlite' ? openSqliteApp(parsed.path, where) : new PostgresClient(parsed.url);
    return new SqlConnector(name, client, redact(url));
  }

  /**
   * Checks that the app answers now, rather than in its first job: a PostgreSQL server that is down or a
   * database that does not exist is an `InvalidConfigError` naming `connectors.NAME.url`.
   */
  async verify(): Promise<void> {
    try {
      await this.client.query('select 1 as ok');
    } catch (error) {
      throw unreachableApp(`connectors.${this.name}.url`, this.url, error);
    }
  }

  openTable(spec: TableSpec): SqlTableConnector {
    return new SqlTableConnector(this.client, spec);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export class SqlTableConnector implements TableConnector {
  private readonly columns = new RetriedLoad(() => describeTable(this.client, this.spec.table));
  private readonly layoutLoad = new RetriedLoad(async () => {
    try {
      return await loadLayout(this.client, this.spec, await this.columns.get());
    } catch (error) {
      // The table may be fixed (a column added) before the next call: learn its columns again then.
      this.columns.forget();
      throw error;
    }
  });

  constructor(
    private readonly client: SqlClient,
    readonly spec: TableSpec,
  ) {}

  /**
   * The columns alone, even where the id or modified-on column is missing (which reads refuse), so that
   * a mapping check can name every column that is not there.
   */
  describe(): Promise<ColumnInfo[]> {
    return this.columns.get();
  }

  async readChanges(after: ChangeCursor | null, limit: number, fields: readonly string[]): Promise<SourceRecord[]> {
    const layout = await this.layout();
    const { sortKey, cursor, cursorParam } = layout.modifiedOn;
    const where = [`${sortKey} is not null`];
    const params: unknown[] = [];
    if (after) {
      // Keyset on (modified-on, id): records sharing one modified-on value are split by id, so a page
      // boundary inside such a run neither skips nor repeats any of them. The leading `>=` gives both
      // databases a range to seek in an index on (modified-on, id) instead of scanning the table.
      const at = cursorParam(after.modifiedUs);
      where.push(`${sortKey} >= ${cursor} and (${sortKey} > ${cursor} or ${layout.id} > ${layout.idParam})`);
      params.push(at, at, after.id);
    }
    const filter = this.filterWhere(layout);
    where.push(...filter.conditions);
    const sql = `${this.selectFrom(layout, fields)} where ${where.join(' and ')}
      order by ${sortKey}, ${layout.id} limit ?`;
    const rows = await this.client.query(sql, [...params, ...filter.params, limit]);
    return rows.map((row) => toRecord(row, layout, fields));
  }

  /**
   * Ignores the filter: this answers "does the record still exist", and a record that left the filter
   * must not look deleted.
   */
  async getByIds(ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> {
    const layout = await this.layout();
    const records: SourceRecord[] = [];
    for (const chunk of chunksOf(unique(ids), IDS_PER_STATEMENT)) {
      const sql = `${this.selectFrom(layout, fields)} where ${layout.id} in (${idList(layout, chunk.length)})`;
      const rows = await this.client.query(sql, chunk);
      records.push(...rows.map((row) => toRecord(row, layout, fields)));
    }
    return records;
  }

  async findByField(
    field: string,
    values: readonly unknown[],
    fields: readonly string[],
    caseSensitive: boolean,
  ): Promise<SourceRecord[]> {
    const layout = await this.layout();
    if (!layout.byName.has(field)) throw new Error(`table "${this.spec.table}" has no column "${field}"`);
    // NULL equals nothing in SQL, so null values cannot match and are left out.
    const wanted = unique(values.filter((v) => v !== null && v !== undefined).map(paramValue));
    const column = quoteIdent(field);
    const filter = this.filterWhere(layout);
    const records: SourceRecord[] = [];
    for (const chunk of chunksOf(wanted, IDS_PER_STATEMENT)) {
      const match = caseSensitive
        ? `${column} in (${placeholders(chunk.length)})`
        : `${this.lowered(column)} in (${chunk.map(() => 'lower(?)').join(', ')})`;
      const where = [match, ...filter.conditions].join(' and ');
      const rows = await this.client.query(`${this.selectFrom(layout, fields)} where ${where}`, [
        ...chunk,
        ...filter.params,
      ]);
      records.push(...rows.map((row) => toRecord(row, layout, fields)));
    }
    return records;
  }

  /**
   * The column folded to lower case, spelled so that the usual expression index serves it: `lower(col)`
   * on SQLite; on PostgreSQL the cast lets non-text columns match too (a no-op on text columns).
   */
  private lowered(column: string): string {
    return this.client.dialect === 'sqlite' ? `lower(${column})` : `lower(cast(${column} as text))`;
  }

  /** Ignores the filter, like `getByIds`: the deletion scan asks what exists. */
  async listIds(after: string | null, limit: number): Promise<string[]> {
    const layout = await this.layout();
    const where = after === null ? '' : `where ${layout.id} > ${layout.idParam}`;
    const params = after === null ? [limit] : [after, limit];
    const rows = await this.client.query(
      `select cast(${layout.id} as text) as ${ID_ALIAS} from ${layout.table} ${where} order by ${layout.id} limit ?`,
      params,
    );
    return rows.map((row) => String(row[ID_ALIAS]));
  }

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
    const tuple = [layout.idParam, ...columns.map(cast)].join(', ');
    // The VALUES columns have names no app column is likely to have, so nothing in SET or RETURNING is ambiguous.
    const names = ['tandem_v_id', ...columns.map((_, i) => `tandem_v_${i}`)];
    const assignments = [
      ...columns.map((c, i) => `${quoteIdent(c)} = tandem_v.tandem_v_${i}`),
      `${this.modified()} = ${modifiedOn.updateSql}`,
    ];
    const sql = `with tandem_v (${names.join(', ')}) as (values ${rows.map(() => `(${tuple})`).join(', ')})
      update ${layout.table} set ${assignments.join(', ')} from tandem_v where ${layout.id} = tandem_v.tandem_v_id
      returning ${returning(layout)}`;
    const params = [
      ...rows.flatMap((row) => [row.id, ...columns.map((c) => paramValue(row.values[c]))]),
      ...modifiedOn.writeParams(),
    ];
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
      returning ${returning(layout)}`;
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

  /** Learns the table once; a failure (table not there yet) is not cached, so the next call asks again. */
  private layout(): Promise<TableLayout> {
    return this.layoutLoad.get();
  }

  private modified(): string {
    return quoteIdent(this.spec.modifiedColumn);
  }

  /**
   * The records taking part: the config file's raw SQL condition (the operator's own, pasted as written,
   * parenthesised so that an OR in it cannot escape), and the structured conditions with bound values.
   */
  private filterWhere(layout: TableLayout): SqlFilter {
    const raw = this.spec.filter?.trim();
    const structured = compileFilter(this.spec.conditions ?? [], layout, this.client.dialect);
    return { conditions: [...(raw ? [`(${raw})`] : []), ...structured.conditions], params: structured.params };
  }

  /** `select id, modified-on, fields… from table`; requested fields the table lacks are not selected. */
  private selectFrom(layout: TableLayout, fields: readonly string[]): string {
    const columns = [
      `cast(${layout.id} as text) as ${ID_ALIAS}`,
      `${layout.modifiedOn.readUs} as ${MODIFIED_ALIAS}`,
      ...fieldsIn(layout, fields).map((f, i) => `${quoteIdent(f)} as f${i}`),
    ];
    return `select ${columns.join(', ')} from ${layout.table}`;
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
    const tuple = `(${[...columns.map(() => '?'), layout.modifiedOn.insertSql].join(', ')})`;
    return `insert into ${layout.table} (${names}) values ${chunk.map(() => tuple).join(', ')} returning ${returning(layout)}`;
  }

  private insertParams(layout: TableLayout, chunk: PendingInsert[]): unknown[] {
    return chunk.flatMap((row) => [...Object.values(row.values).map(paramValue), ...layout.modifiedOn.writeParams()]);
  }
}

/** A load shared by every caller once it started; a failure is forgotten, so the next call tries again. */
class RetriedLoad<T> {
  private pending: Promise<T> | null = null;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.pending) {
      const pending = this.load();
      this.pending = pending;
      pending.catch(() => {
        if (this.pending === pending) this.pending = null;
      });
    }
    return this.pending;
  }

  forget(): void {
    this.pending = null;
  }
}

interface PendingInsert {
  /** Position in the caller's rows, where its result goes. */
  index: number;
  values: FieldValues;
}

function returning(layout: TableLayout): string {
  return `cast(${layout.id} as text) as ${ID_ALIAS}, ${layout.modifiedOn.readUs} as ${MODIFIED_ALIAS}`;
}

function written(row: SqlRow): WriteResult {
  return { ok: true, id: String(row[ID_ALIAS]), modifiedUs: Number(row[MODIFIED_ALIAS] ?? 0) };
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

function toRecord(row: SqlRow, layout: TableLayout, fields: readonly string[]): SourceRecord {
  const present = fieldsIn(layout, fields);
  const values: FieldValues = {};
  present.forEach((field, i) => {
    values[field] = row[`f${i}`];
  });
  return { id: String(row[ID_ALIAS]), modifiedUs: Number(row[MODIFIED_ALIAS] ?? 0), values };
}

/** The requested fields the table has, once each, in the order asked. */
function fieldsIn(layout: TableLayout, fields: readonly string[]): string[] {
  return unique(fields).filter((f) => layout.byName.has(f));
}

function idList(layout: TableLayout, n: number): string {
  return Array.from({ length: n }, () => layout.idParam).join(', ');
}

/** Values as the drivers take them: undefined is NULL; everything else is left to the client. */
function paramValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** Rows with the same columns, so that each group can share one multi-row INSERT. */
function groupByColumns(rows: PendingInsert[]): PendingInsert[][] {
  const groups = new Map<string, PendingInsert[]>();
  for (const row of rows) {
    const key = JSON.stringify(Object.keys(row.values));
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

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
