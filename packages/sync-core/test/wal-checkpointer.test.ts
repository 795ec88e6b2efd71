import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlConnector } from '../src/connectors/sql/index.js';
import { createStore } from '../src/db/orm.js';

/**
 * What the database file itself holds, without its WAL: a copy of the main file alone, as a crash right
 * now would leave it if the WAL were lost. A copy taken during a checkpoint may be torn: that reads as
 * "not yet".
 */
function mainFileHolds(path: string, sql: string): boolean {
  const copy = `${path}.main-only`;
  copyFileSync(path, copy);
  try {
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare(sql).get([]) as { n: number } | undefined)?.n === 1;
    } finally {
      db.close();
    }
  } catch {
    return false;
  } finally {
    rmSync(copy, { force: true });
  }
}

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('background WAL checkpoints', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("copies the store's committed writes into its database file without a writer doing it", async () => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-wal-'));
    const path = join(dir, 'tandem.sqlite');
    const store = await createStore({ url: `sqlite:${path}` });
    try {
      await store.sql.session((sql) =>
        sql.run(
          "insert into api_key (name, role, key_hash, prefix, created_at) values ('checkpoint probe', 'VIEWER', 'h', 'p', 1)",
          [],
        ),
      );
      // Far below SQLite's own threshold (1,000 pages, and the writers' 10,000): only the thread copies it.
      await eventually('the main file holds the new row', () =>
        mainFileHolds(path, "select count(*) as n from api_key where name = 'checkpoint probe'"),
      );
    } finally {
      await store.close();
    }
  });

  it("does the same for an app's file written through the SQL connector, and stops with the connector", async () => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-wal-'));
    const path = join(dir, 'erp.sqlite');
    const app = new Database(path);
    app.exec('pragma journal_mode = WAL; create table customer (id integer primary key, name text, modified_at text)');
    app.exec('pragma wal_checkpoint(TRUNCATE)');
    const connector = SqlConnector.open('erp', `sqlite:${path}`);
    try {
      const table = connector.openTable({ table: 'customer', idColumn: 'id', modifiedColumn: 'modified_at' });
      await table.insert([{ name: 'Ada' }]);
      await eventually("the app's main file holds the inserted record", () =>
        mainFileHolds(path, "select count(*) as n from customer where name = 'Ada'"),
      );
    } finally {
      await connector.close();
      app.close();
    }
    expect(mainFileHolds(path, "select count(*) as n from customer where name = 'Ada'")).toBe(true);
  });
});
