/**
 * The little SQL surface the SQL connector needs, implemented once for SQLite (libsql) and once for
 * PostgreSQL (pg). SQL text always uses `?` placeholders; the PostgreSQL client numbers them.
 */

export type SqlDialect = 'sqlite' | 'postgresql';

export type SqlRow = Record<string, unknown>;

/** What both a client and an open transaction can do. */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** Runs a statement that returns rows (SELECT, or a write with RETURNING). */
  query<T extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement for its effect; returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** An open transaction. */
export interface SqlTransaction extends SqlExecutor {
  /**
   * Runs `fn` inside a savepoint: when it throws, only its own work is rolled back and the error is
   * rethrown, so the rest of the transaction goes on (PostgreSQL would otherwise abort it).
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn`, which issues exactly one statement, so that its failure leaves the transaction usable:
   * SQLite undoes a failed statement by itself, PostgreSQL needs a savepoint around it.
   */
  statement<T>(fn: () => Promise<T>): Promise<T>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Quotes one identifier ("my ""odd"" name"); the same rule holds for SQLite and PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a possibly schema-qualified table name (`crm.account` → "crm"."account"). */
export function quoteTable(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/**
 * Turns `?` placeholders into PostgreSQL's `$1..$n`, leaving question marks inside string literals,
 * quoted identifiers and comments alone.
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
      i += 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

export { placeholders } from '../../db/sql-parts.js';
