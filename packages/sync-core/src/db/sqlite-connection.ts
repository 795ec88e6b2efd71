import { WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer.js';

/**
 * How long a statement waits for another writer's lock before SQLite answers "database is locked".
 * Writers on one store — the API's actions, job threads, a CLI beside the server — take turns in short
 * transactions, so a wait is normal and a failure is not: this is far above any one transaction.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 60_000;

/**
 * How long one attempt may hold its thread in SQLite's own busy handler. A writer that finds the lock
 * taken for longer gives its thread back and tries again (see `yieldWhileLocked`).
 */
const BLOCKING_WAIT_MS = 5;
/** The longest pause between two attempts to take a lock another writer holds. */
const MAX_RETRY_PAUSE_MS = 20;

interface LibsqlStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown;
}

interface LibsqlConnection {
  memory?: boolean;
  readonly inTransaction: boolean;
  exec(sql: string): void;
  prepare(sql: string): LibsqlStatement;
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
    `pragma busy_timeout = ${BLOCKING_WAIT_MS}`,
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
  connection.prepare = (sql: string) =>
    yieldWhileLocked(connection, prepare(/^\s*begin\s*;?\s*$/i.test(sql) ? 'BEGIN IMMEDIATE;' : sql));
}

/**
 * Makes a statement wait for another writer's lock without holding its thread. SQLite's busy handler
 * sleeps in the calling thread: on the API's thread a lease renewal or a progress update that met a
 * job's batch commit froze every request, /healthz included, for as long as the commit took (up to
 * 340 ms in `pnpm bench api-during-sync`). Here SQLite waits at most BLOCKING_WAIT_MS; a statement
 * that is still refused is tried again after a timer, for up to SQLITE_BUSY_TIMEOUT_MS in all, and its
 * caller (which awaits every statement) gets a promise of the result meanwhile.
 *
 * Only a statement outside a transaction is retried: refused, it did nothing. Inside a transaction,
 * which holds the write lock from its `BEGIN IMMEDIATE`, a refusal is passed on as before.
 */
function yieldWhileLocked(connection: LibsqlConnection, statement: LibsqlStatement): LibsqlStatement {
  for (const method of ['run', 'get', 'all'] as const) {
    const call = statement[method].bind(statement);
    statement[method] = (...params: unknown[]) => {
      try {
        return call(...params);
      } catch (error) {
        if (!isLockedOut(error) || connection.inTransaction) throw error;
        return retryUntilFree(() => call(...params), connection);
      }
    };
  }
  return statement;
}

async function retryUntilFree<T>(call: () => T, connection: LibsqlConnection): Promise<T> {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_RETRY_PAUSE_MS)) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    try {
      return call();
    } catch (error) {
      if (!isLockedOut(error) || connection.inTransaction || Date.now() >= deadline) throw error;
    }
  }
}

function isLockedOut(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
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
