import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';

/**
 * The two benchmark apps, written with libsql directly (no engine code), so that seeding is fast and the
 * raw-copy baseline uses exactly the driver the SQL connector uses:
 * - ERP (local): `customer`, modified-on as ISO-8601 text (what many SQLite apps store);
 * - CRM (integration): `account`, text (UUID) ids, modified-on as epoch milliseconds.
 * Same shapes as the engine tests' fixture, minus the columns the mapping does not use.
 */
export type AppDatabase = InstanceType<typeof Database>;

/**
 * The two apps' tables, indexed as a deployment that syncs them would be: change reading seeks on
 * (modified-on, id), inserts look up the external key, and the case-insensitive match field has an index
 * on lower(…). The raw copy writes into the same table definition, indexes included.
 */
export const ERP_SCHEMA = `create table customer (
  id integer primary key autoincrement, name text, email text, city text, modified_at text not null);
  create index customer_changes on customer (modified_at, id);
  create index customer_email on customer (lower(email));`;
export const CRM_SCHEMA = `create table account (
  accountid text primary key, name text, emailaddress1 text, address1_city text, erp_id text,
  modifiedon integer not null);
  create index account_changes on account (modifiedon, accountid);
  create index account_erp_id on account (erp_id);
  create index account_email on account (lower(emailaddress1));`;

/** Opens an app file the way the SQL connector does (WAL, busy timeout). */
export function openApp(path: string, schema?: string): AppDatabase {
  const db = new Database(path);
  db.exec('pragma journal_mode = WAL; pragma busy_timeout = 10000');
  if (schema) db.exec(schema);
  return db;
}

/** A temporary directory for one scenario; `remove()` deletes it with every database in it. */
export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `tandem-bench-${label}-`));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * Copies a SQLite database in WAL mode as it stands on disk: the file and its WAL (the last writes may
 * still be there), over whatever `to` held — its old WAL and shared-memory index removed first, so that
 * they cannot be replayed onto the new copy.
 */
export function copyDatabase(from: string, to: string): void {
  for (const part of ['', '-wal', '-shm']) rmSync(`${to}${part}`, { force: true });
  for (const part of ['', '-wal']) {
    if (existsSync(`${from}${part}`)) copyFileSync(`${from}${part}`, `${to}${part}`);
  }
}

/** SQLite allows 32,766 bound parameters; stay well under it, like the connector and repositories do. */
const MAX_PARAMS = 30_000;

/**
 * Inserts rows with multi-row INSERTs (one prepared statement reused for every full chunk) inside one
 * transaction: the fastest plain way to load a SQLite table from JS, used for seeding and the raw copy.
 */
export function insertRows(
  db: AppDatabase,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  rowsPerStatement = 500,
): void {
  const perStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMS / columns.length)));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sqlFor = (n: number) =>
    `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: n }, () => tuple).join(', ')}`;
  const full = db.prepare(sqlFor(perStatement));
  db.exec('begin immediate');
  try {
    for (let i = 0; i < rows.length; i += perStatement) {
      const part = rows.slice(i, i + perStatement);
      const statement = part.length === perStatement ? full : db.prepare(sqlFor(part.length));
      statement.run(part.flat());
    }
    db.exec('commit');
  } catch (error) {
    if (db.inTransaction) db.exec('rollback');
    throw error;
  }
}

/** Deterministic customer data: record `i` (1-based) of a seeded table. */
export function customer(i: number): { name: string; email: string; city: string } {
  return { name: `Customer ${i}`, email: `customer${i}@example.com`, city: CITIES[i % CITIES.length]! };
}

const CITIES = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Lisbon', 'Madrid', 'Oslo', 'Prague', 'Vienna'];

export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}
