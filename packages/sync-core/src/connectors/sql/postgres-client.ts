import pg from 'pg';
import { TransientConnectorError } from '../connector.js';
import { numberPlaceholders, type SqlClient, type SqlRow, type SqlTransaction } from './sql-client.js';

/** OID of int8 (bigint); pg returns it as text by default. */
const INT8_OID = 20;

/**
 * Field values read from the app: a bigint that fits a JS number comes back as a number, so that the
 * same value looks the same whether it was read from SQLite or PostgreSQL; larger ones stay text.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID) {
      return (text: string) => {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** A PostgreSQL app database through a `pg.Pool`; a transaction holds one pooled connection. */
export class PostgresClient implements SqlClient {
  readonly dialect = 'postgresql' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, types, max: 4, connectionTimeoutMillis: 10_000 });
    // An idle connection dropped by the server must not crash the process; the next call reconnects.
    this.pool.on('error', () => undefined);
  }

  query<T extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return runQuery<T>(this.pool, sql, params).then((r) => r.rows);
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return runQuery(this.pool, sql, params).then((r) => r.rowCount ?? 0);
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    let connection: pg.PoolClient;
    try {
      connection = await this.pool.connect();
    } catch (error) {
      throw mapPostgresError(error);
    }
    let savepoints = 0;
    const tx: SqlTransaction = {
      dialect: 'postgresql',
      query: <R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) =>
        runQuery<R>(connection, sql, params).then((r) => r.rows),
      run: (sql, params = []) => runQuery(connection, sql, params).then((r) => r.rowCount ?? 0),
      savepoint: async (inner) => {
        savepoints += 1;
        const name = `tandem_sp_${savepoints}`;
        await runQuery(connection, `savepoint ${name}`, []);
        try {
          const result = await inner();
          await runQuery(connection, `release savepoint ${name}`, []);
          return result;
        } catch (error) {
          await runQuery(connection, `rollback to savepoint ${name}`, []);
          await runQuery(connection, `release savepoint ${name}`, []);
          throw error;
        }
      },
      statement(inner) {
        return this.savepoint(inner);
      },
    };
    let broken: unknown;
    try {
      await runQuery(connection, 'begin', []);
      const result = await fn(tx);
      await runQuery(connection, 'commit', []);
      return result;
    } catch (error) {
      try {
        await connection.query('rollback');
      } catch (rollbackError) {
        // The connection is unusable: tell the pool to discard it rather than hand it out again.
        broken = rollbackError;
      }
      throw error;
    } finally {
      connection.release(broken instanceof Error ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function runQuery<T extends SqlRow = SqlRow>(
  on: pg.Pool | pg.PoolClient,
  sql: string,
  params: readonly unknown[],
): Promise<pg.QueryResult<T>> {
  try {
    return await on.query<T>(numberPlaceholders(sql), params as unknown[]);
  } catch (error) {
    throw mapPostgresError(error);
  }
}

/**
 * SQLSTATEs worth retrying: the server going away or refusing connections, lack of resources, lock and
 * serialization conflicts, cancelled statements (statement_timeout).
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '40001', '40P01', '55P03', '55006']);
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53'];
/** In class 08 but a bug, not an outage: a retry would fail the same way. */
const PERMANENT_SQLSTATES = new Set(['08P01']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Wraps errors that may clear by themselves in `TransientConnectorError`; others pass through. */
export function mapPostgresError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof TransientConnectorError) return error;
  const code = (error as { code?: unknown }).code;
  const transient =
    (typeof code === 'string' &&
      !PERMANENT_SQLSTATES.has(code) &&
      (TRANSIENT_SQLSTATES.has(code) ||
        TRANSIENT_NODE_CODES.has(code) ||
        (code.length === 5 && TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))))) ||
    /connection terminated|timeout exceeded when trying to connect|Connection terminated unexpectedly/i.test(
      error.message,
    );
  if (!transient) return error;
  return new TransientConnectorError(`PostgreSQL is unavailable: ${error.message}`, undefined, { cause: error });
}
