import Database from 'libsql';
import { WRITER_AUTOCHECKPOINT_PAGES, walCheckpointer } from '../../db/wal-checkpointer.js';
import { TransientConnectorError } from '../connector.js';
import type { SqlClient, SqlRow, SqlTransaction } from './sql-client.js';

type LibsqlDatabase = InstanceType<typeof Database>;
type LibsqlStatement = ReturnType<LibsqlDatabase['prepare']>;

/** Prepared statements kept per connection: the engine repeats the same few statements batch after batch. */
const STATEMENT_CACHE_SIZE = 200;

/** How long a writer waits for another one to finish before SQLite reports SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * A SQLite database file through libsql's synchronous API. One connection serves all calls, so calls
 * are queued: a transaction's statements must not interleave with another caller's.
 */
export class SqliteClient implements SqlClient {
  readonly dialect = 'sqlite' as const;
  private readonly db: LibsqlDatabase;
  private queue: Promise<unknown> = Promise.resolve();
  /** Nesting depth of open savepoints; names repeat by depth so that their statements are cached too. */
  private savepointDepth = 0;
  private readonly statements = new Map<string, LibsqlStatement>();
  private checkpointed: string | null = null;

  constructor(path: string) {
    this.db = new Database(path);
    // WAL lets the app keep reading while we write; the busy timeout makes writers wait instead of fail.
    this.db.prepare('pragma journal_mode = WAL').all([]);
    this.db.prepare(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`).all([]);
    // A small (4 MB) page cache: 16 MB measured no faster. A page that fell out of it is re-read cheaply
    // from the OS cache, while every page of a bigger private cache is resident memory of the process
    // (docs/BENCHMARKS.md, "Page cache sizes").
    this.db.prepare('pragma cache_size = -4096').all([]);
    // Our writes' checkpoints run on a background thread (db/wal-checkpointer.ts), not in our commits.
    if (path !== ':memory:' && path !== '') {
      this.db.prepare(`pragma wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`).all([]);
      this.checkpointed = path;
      walCheckpointer.watch(path);
    }
  }

  query<T extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.exclusive(async () => this.queryNow<T>(sql, params));
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.exclusive(async () => this.runNow(sql, params));
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // IMMEDIATE takes the write lock up front, so the transaction cannot fail half-way on lock upgrade.
      this.exec('begin immediate');
      const tx: SqlTransaction = {
        dialect: 'sqlite',
        query: async <R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) =>
          this.queryNow<R>(sql, params),
        run: async (sql, params = []) => this.runNow(sql, params),
        savepoint: (inner) => this.savepoint(inner),
        // SQLite rolls back a failed statement and keeps the transaction: no savepoint needed.
        statement: (inner) => inner(),
      };
      try {
        const result = await fn(tx);
        this.exec('commit');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.exec('rollback');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.statements.clear();
    this.db.close();
    if (this.checkpointed) await walCheckpointer.unwatch(this.checkpointed);
    this.checkpointed = null;
  }

  private async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    this.savepointDepth += 1;
    const name = `tandem_sp_${this.savepointDepth}`;
    try {
      this.exec(`savepoint ${name}`);
      try {
        const result = await fn();
        this.exec(`release ${name}`);
        return result;
      } catch (error) {
        this.exec(`rollback to ${name}`);
        this.exec(`release ${name}`);
        throw error;
      }
    } finally {
      this.savepointDepth -= 1;
    }
  }

  /** A prepared statement for this SQL text, from the cache when it was prepared before. */
  private prepare(sql: string): LibsqlStatement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Refresh its place: the cache forgets the least recently used statement first.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        this.statements.delete(this.statements.keys().next().value as string);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }

  private queryNow<T>(sql: string, params: readonly unknown[]): T[] {
    try {
      return this.prepare(sql).all(params.map(toSqliteValue)) as T[];
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  private runNow(sql: string, params: readonly unknown[]): number {
    try {
      const statement = this.prepare(sql);
      // A statement that returns rows must be stepped to its end (all), else libsql leaves it in
      // progress and later savepoints or commits fail.
      if (statement.reader) return statement.all(params.map(toSqliteValue)).length;
      return statement.run(params.map(toSqliteValue)).changes;
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  private exec(sql: string): void {
    try {
      this.prepare(sql).run([]);
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  /** Runs `fn` after every earlier call has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * Values SQLite can bind. libsql aborts the process on a boolean, so booleans become 0/1; dates become
 * ISO text and objects JSON, as an app storing them in SQLite would.
 */
export function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value;
}

/** SQLITE_BUSY and SQLITE_LOCKED (and their extended codes) clear when the other writer is done. */
export function mapSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return new TransientConnectorError(`SQLite database is busy: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  return error;
}
