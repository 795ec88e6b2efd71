import type { StoreDialect } from '../db/orm.js';
import { chunk, flattenRows, placeholders, tupleList } from '../db/sql-parts.js';
import type { StoreSql } from '../db/store-sql.js';

export { chunk, placeholders };

/**
 * Helpers for the set-based SQL of the repositories. The two stores disagree on a few types: SQLite has
 * no boolean (0/1) and PostgreSQL returns bigint as text. An entity's rows are read and written through
 * db/entity-rows.ts, which hides both; these helpers do it for the values of hand-written statements.
 */

/** A boolean as the store's driver accepts it. */
export function sqlBool(dialect: StoreDialect, value: boolean): boolean | number {
  return dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Rows per multi-row statement, given how many columns each row binds (SQLite allows 32,766 parameters). */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(30_000 / columns));
}

export interface MultiRowInsert {
  table: string;
  columns: readonly string[];
  rows: ReadonlyArray<readonly unknown[]>;
  /** SQL appended after the VALUES list: `on conflict … do update …`, `returning id`. */
  suffix?: string;
}

/**
 * One INSERT for a whole chunk: one round trip, on both databases. SQLite gets a multi-row `VALUES`
 * list; PostgreSQL gets the rows as one JSON parameter (`tableRowsParam`), in the order given.
 * Column and table names come from code, never from input.
 */
export async function insertRows(sql: StoreSql, insert: MultiRowInsert): Promise<Array<Record<string, unknown>>> {
  if (insert.rows.length === 0) return [];
  const columns = insert.columns.join(', ');
  const suffix = insert.suffix ? ` ${insert.suffix}` : '';
  const [statement, params] =
    sql.dialect === 'postgresql'
      ? [
          `insert into ${insert.table} (${columns}) select ${columns} from ${tableRows(insert.table)} ` +
            `with ordinality as v order by v.ordinality${suffix}`,
          [tableRowsParam(insert.columns, insert.rows)],
        ]
      : [
          `insert into ${insert.table} (${columns}) values ` +
            `${tupleList(insert.rows.length, placeholders(insert.columns.length))}${suffix}`,
          flattenRows(insert.rows),
        ];
  if (insert.suffix?.includes('returning')) return sql.query(statement, params);
  await sql.run(statement, params);
  return [];
}

/**
 * PostgreSQL: a set of rows of `table`'s own row type from one `?` parameter (see `tableRowsParam`); each
 * value is converted to its column's type. A `VALUES` list would bind a parameter per value, thousands per
 * statement, which PostgreSQL spends longer parsing and planning than inserting (≈ 1.5 × for 1,000 log
 * rows, docs/BENCHMARKS.md).
 */
export function tableRows(table: string): string {
  return `json_populate_recordset(null::${table}, ?)`;
}

/** The parameter for `tableRows`: the rows as a JSON array of objects keyed by column name. */
export function tableRowsParam(columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null]))));
}
