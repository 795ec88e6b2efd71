import type { Knex } from '@mikro-orm/knex';
import type { StoreDialect } from './database-url.js';

/**
 * Plain SQL on Tandem's own database, for the set-based hot paths (the engine's batches, bulk actions).
 * `?` placeholders on both databases. Everything else goes through the ORM.
 */
export interface StoreSql {
  readonly dialect: StoreDialect;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement for its effect; returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface StoreSqlAccess {
  readonly dialect: StoreDialect;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (sql: StoreSql) => Promise<T>): Promise<T>;
  /** Runs `fn`'s statements outside a transaction (reads). */
  session<T>(fn: (sql: StoreSql) => Promise<T>): Promise<T>;
}

/** Statements kept per SQLite connection: a job repeats the same few, batch after batch. */
const STATEMENT_CACHE_SIZE = 200;

/** A statement of a store connection: a call may answer with a promise while it waits for the write lock. */
interface LibsqlStatement {
  reader: boolean;
  all(params: unknown[]): unknown[] | Promise<unknown[]>;
  run(params: unknown[]): { changes: number } | Promise<{ changes: number }>;
}
interface LibsqlConnection {
  prepare(sql: string): LibsqlStatement;
}

const statementCaches = new WeakMap<object, Map<string, LibsqlStatement>>();

/**
 * On SQLite the ORM has one connection (a pool of one); this borrows it from the pool for the span of
 * `fn` and drives libsql directly with cached prepared statements — about twice as fast as going through
 * the query builder for the engine's 1,000-row statements — while every other user of the ORM waits
 * its turn in the pool, as it would for any transaction. `fn` must therefore not use the ORM itself.
 * On PostgreSQL it is the query builder's raw SQL on the pool.
 */
export function storeSqlAccess(knex: Knex, dialect: StoreDialect): StoreSqlAccess {
  if (dialect === 'postgresql') {
    const over = (runner: Knex | Knex.Transaction): StoreSql => ({
      dialect,
      query: async <T>(sql: string, params: readonly unknown[] = []) =>
        (await runner.raw(sql, params as Knex.RawBinding[])).rows as T[],
      run: async (sql, params = []) => (await runner.raw(sql, params as Knex.RawBinding[])).rowCount ?? 0,
    });
    return {
      dialect,
      transaction: (fn) => knex.transaction((trx) => fn(over(trx))),
      session: (fn) => fn(over(knex)),
    };
  }
  // Statements sent past the query builder are still announced on it (its `query` event), so that
  // debug logging and statement-counting tests see everything the store runs.
  const announce = (sql: string, bindings: readonly unknown[]) => {
    if (knex.listenerCount('query') > 0) knex.emit('query', { sql, bindings, method: 'raw' });
  };
  const borrow = async <T>(fn: (connection: LibsqlConnection) => Promise<T>): Promise<T> => {
    const connection = (await knex.client.acquireConnection()) as LibsqlConnection;
    try {
      return await fn(connection);
    } finally {
      await knex.client.releaseConnection(connection);
    }
  };
  return {
    dialect,
    session: (fn) => borrow((connection) => fn(sqliteSql(connection, announce))),
    transaction: (fn) =>
      borrow(async (connection) => {
        const sql = sqliteSql(connection, announce);
        await sql.run('begin immediate');
        try {
          const result = await fn(sql);
          await sql.run('commit');
          return result;
        } catch (error) {
          await sql.run('rollback').catch(() => undefined);
          throw error;
        }
      }),
  };
}

function sqliteSql(
  connection: LibsqlConnection,
  announce: (sql: string, bindings: readonly unknown[]) => void,
): StoreSql {
  let cache = statementCaches.get(connection);
  if (!cache) {
    cache = new Map();
    statementCaches.set(connection, cache);
  }
  const statements = cache;
  const prepare = (sql: string): LibsqlStatement => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else {
      statement = connection.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  };
  const values = (params: readonly unknown[]) =>
    params.map((value) => (value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value));
  return {
    dialect: 'sqlite',
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      announce(sql, params);
      return (await prepare(sql).all(values(params))) as T[];
    },
    run: async (sql, params = []) => {
      announce(sql, params);
      const statement = prepare(sql);
      // A statement that returns rows (RETURNING) must be stepped to its end, or it stays in progress.
      if (statement.reader) return (await statement.all(values(params))).length;
      return (await statement.run(values(params))).changes;
    },
  };
}
