import Database from 'libsql';
import type { ResolvedEntitySet } from './schema.js';
import type { StoredValue } from './values.js';

export type StoredRow = Record<string, StoredValue>;

const STATEMENT_CACHE_SIZE = 500;

const SQL_TYPES = {
  string: 'TEXT',
  guid: 'TEXT',
  int: 'INTEGER',
  boolean: 'INTEGER',
  datetime: 'INTEGER',
  decimal: 'REAL',
};

/**
 * The emulator's SQLite: one table per entity set (`es_<name>`), a database-wide version counter (Dataverse's
 * `versionnumber` is a rowversion: every write anywhere takes the next number) and tombstones of deleted rows
 * for change tracking. Every call is synchronous, so a `$batch` change set runs inside one transaction.
 */
export class Store {
  readonly db: Database.Database;

  constructor(file: string | undefined, sets: ResolvedEntitySet[]) {
    this.db = new Database(file ?? ':memory:');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS _meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO _meta VALUES ('version', 0), ('min_delta_version', 0);
      CREATE TABLE IF NOT EXISTS _tombstones (entity_set TEXT NOT NULL, id TEXT NOT NULL, versionnumber INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS _tombstones_version ON _tombstones (entity_set, versionnumber);`);
    for (const set of sets) this.createTable(set);
  }

  private createTable(set: ResolvedEntitySet): void {
    const columns = [...set.columns.values()].map(
      (c) => `"${c.name}" ${SQL_TYPES[c.type]}${c.name === set.key ? ' PRIMARY KEY' : ''}`,
    );
    this.db.exec(`CREATE TABLE IF NOT EXISTS "${set.table}" (${columns.join(', ')})`);
    // A file kept from an earlier schema gets the columns added since (Dataverse tables gain columns too).
    const existing = new Set(
      (this.db.prepare(`PRAGMA table_info("${set.table}")`).all() as { name: string }[]).map((r) => r.name),
    );
    for (const column of set.columns.values()) {
      if (!existing.has(column.name)) {
        this.db.exec(`ALTER TABLE "${set.table}" ADD COLUMN "${column.name}" ${SQL_TYPES[column.type]}`);
      }
    }
    this.db.exec(`CREATE INDEX IF NOT EXISTS "${set.table}_version" ON "${set.table}" (versionnumber)`);
    this.db.exec(`CREATE INDEX IF NOT EXISTS "${set.table}_modifiedon" ON "${set.table}" (modifiedon)`);
    set.alternateKeys.forEach((key, i) => {
      const cols = key.map((c) => `"${c}"`).join(', ');
      this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS "${set.table}_ak${i}" ON "${set.table}" (${cols})`);
    });
  }

  // Statements by their SQL text, prepared once: preparing anew on every call was about a fifth of the
  // emulator's CPU in the dataverse-throughput benchmark. Writes have few texts (per entity set and column
  // list); queries vary with their $filter, so the cache is bounded and starts over when full.
  private readonly statements = new Map<string, Database.Statement>();

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  nextVersion(): number {
    this.statement(`UPDATE _meta SET value = value + 1 WHERE name = 'version'`).run();
    return this.currentVersion();
  }

  currentVersion(): number {
    return (this.statement(`SELECT value FROM _meta WHERE name = 'version'`).get() as { value: number }).value;
  }

  minDeltaVersion(): number {
    return (this.statement(`SELECT value FROM _meta WHERE name = 'min_delta_version'`).get() as { value: number })
      .value;
  }

  expireDeltaTokens(): void {
    this.statement(`UPDATE _meta SET value = (SELECT value FROM _meta WHERE name = 'version') + 1
      WHERE name = 'min_delta_version'`).run();
  }

  byId(set: ResolvedEntitySet, id: string): StoredRow | undefined {
    return this.statement(`SELECT * FROM "${set.table}" WHERE "${set.key}" = ?`).get(id) as StoredRow | undefined;
  }

  byColumns(set: ResolvedEntitySet, columns: string[], values: StoredValue[]): StoredRow | undefined {
    const where = columns.map((c) => `"${c}" IS ?`).join(' AND ');
    return this.statement(`SELECT * FROM "${set.table}" WHERE ${where}`).get(...values) as StoredRow | undefined;
  }

  insert(set: ResolvedEntitySet, row: StoredRow): void {
    const names = Object.keys(row);
    const sql = `INSERT INTO "${set.table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names
      .map(() => '?')
      .join(', ')})`;
    this.statement(sql).run(...names.map((n) => row[n]));
  }

  update(set: ResolvedEntitySet, id: string, changes: StoredRow): void {
    const names = Object.keys(changes);
    const sql = `UPDATE "${set.table}" SET ${names.map((n) => `"${n}" = ?`).join(', ')} WHERE "${set.key}" = ?`;
    this.statement(sql).run(...names.map((n) => changes[n]), id);
  }

  delete(set: ResolvedEntitySet, id: string): void {
    this.statement(`DELETE FROM "${set.table}" WHERE "${set.key}" = ?`).run(id);
    this.statement('INSERT INTO _tombstones (entity_set, id, versionnumber) VALUES (?, ?, ?)').run(
      set.name,
      id,
      this.nextVersion(),
    );
  }

  select(sql: string, params: StoredValue[]): StoredRow[] {
    return this.statement(sql).all(...params) as StoredRow[];
  }

  tombstonesAfter(
    set: ResolvedEntitySet,
    afterVersion: number,
    limit: number,
  ): { id: string; versionnumber: number }[] {
    return this.statement(
      'SELECT id, versionnumber FROM _tombstones WHERE entity_set = ? AND versionnumber > ? ORDER BY versionnumber LIMIT ?',
    ).all(set.name, afterVersion, limit) as { id: string; versionnumber: number }[];
  }

  close(): void {
    this.db.close();
  }
}
