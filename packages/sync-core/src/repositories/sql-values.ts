import type { StoreDialect } from '../db/orm.js';
import { chunk, placeholders } from '../db/sql-parts.js';
import type { StoreSql } from '../db/store-sql.js';

export { chunk, placeholders };

/**
 * Helpers for the set-based SQL of the repositories. The two stores disagree on a few types: SQLite has
 * no boolean (0/1) and PostgreSQL returns bigint as text; these helpers hide both.
 */

/** A boolean as the store's driver accepts it. */
export function sqlBool(dialect: StoreDialect, value: boolean): boolean | number {
  return dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
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
 * One `INSERT … VALUES (…), (…)` statement: one round trip for a whole chunk, on both databases.
 * Column and table names come from code, never from input.
 */
export async function insertRows(sql: StoreSql, insert: MultiRowInsert): Promise<Array<Record<string, unknown>>> {
  if (insert.rows.length === 0) return [];
  const tuple = `(${placeholders(insert.columns.length)})`;
  const statement =
    `insert into ${insert.table} (${insert.columns.join(', ')}) values ` +
    `${insert.rows.map(() => tuple).join(', ')}${insert.suffix ? ` ${insert.suffix}` : ''}`;
  if (insert.suffix?.includes('returning')) return sql.query(statement, insert.rows.flat());
  await sql.run(statement, insert.rows.flat());
  return [];
}
