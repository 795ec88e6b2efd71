import { WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer.js';

/**
 * How long a statement waits for another writer's lock before SQLite answers "database is locked".
 * Writers on one store — the API's actions, job threads, a CLI beside the server — take turns in short
 * transactions, so a wait is normal and a failure is not: this is far above any one transaction.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 60_000;

interface LibsqlConnection {
  memory?: boolean;
  exec(sql: string): void;
  prepare(sql: string): unknown;
}

/**
 * Sets up every SQLite connection of the store's pool, including the ones the driver opens later:
 * MikroORM's libsql dialect replaces a pooled connection after ten seconds, and pragmas are
 * per connection, so pragmas set once at start were lost on the first replacement (no busy timeout:
 * an instant "database is locked" for the next writer that had to wait).
 *
 * Also makes the ORM's transactions `BEGIN IMMEDIATE`: a deferred transaction that reads, then writes
 * after another connection committed cannot wait for the lock (SQLite refuses the upgrade at once with
 * SQLITE_BUSY); one that takes the write lock up front waits its turn like any statement. The store's
 * transactions all write, so nothing is lost by taking the lock first.
 */
export function prepareSqliteConnection(connection: LibsqlConnection): void {
  const pragmas = [
    `pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`,
    'pragma foreign_keys = on',
    'pragma synchronous = NORMAL',
    // An 8 MB page cache: 32 MB measured no faster on a job over a million couplings, and only grew the
    // process; pages that fall out are re-read from the OS cache (docs/BENCHMARKS.md, "Page cache sizes").
    'pragma cache_size = -8192',
  ];
  if (!connection.memory) {
    // WAL lets readers go on while a job writes. Checkpoints run on a background thread
    // (wal-checkpointer.ts), not inside a job's commits.
    pragmas.unshift('pragma journal_mode = WAL');
    pragmas.push(`pragma wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  }
  connection.exec(pragmas.join('; '));
  const prepare = connection.prepare.bind(connection);
  connection.prepare = (sql: string) => prepare(/^\s*begin\s*;?\s*$/i.test(sql) ? 'BEGIN IMMEDIATE;' : sql);
}

/** The pool option that runs `prepareSqliteConnection` on each new connection. */
export const sqlitePool = {
  afterCreate: (connection: LibsqlConnection, done: (error: Error | null, connection: LibsqlConnection) => void) => {
    try {
      prepareSqliteConnection(connection);
      done(null, connection);
    } catch (error) {
      done(error as Error, connection);
    }
  },
};
