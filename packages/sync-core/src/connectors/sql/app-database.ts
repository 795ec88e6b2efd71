import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidConfigError } from '../../errors/invalid-config.error.js';
import { SqliteClient } from './sqlite-client.js';

/**
 * How a connector reaches an app's database. Unlike Tandem's own store, an app's database is never
 * created: SQLite would make an empty file for a mistyped path, and every job would then fail with
 * "table does not exist" far from the cause. Every failure here is an `InvalidConfigError` whose path is
 * the connector's URL key (`where`, e.g. `connectors.erp.url`), so that the CLI names it in one line.
 */

/** Opens an existing SQLite file; a missing file or directory is refused before SQLite could create it. */
export function openSqliteApp(path: string, where: string): SqliteClient {
  if (path === ':memory:') {
    throw new InvalidConfigError(where, "an in-memory database is always empty: name the app's SQLite file");
  }
  const missing = missingFile(path);
  if (missing) throw new InvalidConfigError(where, missing);
  try {
    return new SqliteClient(path);
  } catch (error) {
    // Not a database, no permission…: the file exists but SQLite cannot use it.
    throw new InvalidConfigError(where, `cannot open SQLite file "${path}": ${reasonOf(error)}`);
  }
}

/** Why `path` cannot be opened as an existing file, or null when it can be. */
function missingFile(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return `"${path}" is not a SQLite file`;
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot open SQLite file "${path}": ${reasonOf(error)}`;
    const directory = dirname(resolve(path));
    const directoryExists = statSync(directory, { throwIfNoEntry: false })?.isDirectory() ?? false;
    return directoryExists
      ? `SQLite file "${path}" does not exist (a connector's database is never created)`
      : `directory "${directory}" of SQLite file "${path}" does not exist (a connector's database is never created)`;
  }
}

/** The reason a connection check failed, as an `InvalidConfigError` naming the key and the (redacted) URL. */
export function unreachableApp(where: string, redactedUrl: string, error: unknown): InvalidConfigError {
  return new InvalidConfigError(where, `cannot connect to ${redactedUrl}: ${reasonOf(error)}`);
}

/**
 * A driver's message on one line. A wrapped error (TransientConnectorError) says it through its cause;
 * Node's AggregateError (every address of a host refused) has an empty message of its own.
 */
function reasonOf(error: unknown): string {
  let inner: unknown = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  if (inner instanceof AggregateError && !inner.message) inner = inner.errors[0] ?? inner;
  const message =
    inner instanceof Error ? inner.message || (inner as NodeJS.ErrnoException).code || inner.name : String(inner);
  return message.replace(/\s+/g, ' ').trim();
}
