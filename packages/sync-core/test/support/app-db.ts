import Database from 'libsql';
import pg from 'pg';
import type { Dialect } from './databases.js';

/**
 * A raw client for a test app database, independent of the connector under test: tests seed and
 * inspect the apps' tables through it. `?` placeholders on both databases.
 */
export interface AppDb {
  dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export function openAppDb(dialect: Dialect, url: string): AppDb {
  if (dialect === 'sqlite') {
    const db = new Database(url.slice('sqlite:'.length));
    db.exec('pragma journal_mode = WAL; pragma busy_timeout = 10000');
    return {
      dialect,
      all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
      run: async (sql, params = []) => {
        if (params.length === 0) db.exec(sql);
        else db.prepare(sql).run(...params);
      },
      close: async () => {
        db.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const toPg = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    dialect,
    all: async <T>(sql: string, params: unknown[] = []) => (await pool.query(toPg(sql), params)).rows as T[],
    run: async (sql, params = []) => {
      await pool.query(toPg(sql), params);
    },
    close: () => pool.end(),
  };
}
