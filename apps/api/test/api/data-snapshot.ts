import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'libsql';

/**
 * Every row of the store and of both demo apps, as one digest per table: the "nothing changed" check
 * after a refused call. `api_key.last_used_at` is left out — a refused call may be the key's first use
 * of the minute, which is bookkeeping, not data.
 */
export function snapshotData(dir: string): Record<string, string> {
  const files = {
    store: join(dir, 'tandem.sqlite'),
    erp: join(dir, 'demo', 'erp.sqlite'),
    crm: join(dir, 'demo', 'crm.sqlite'),
  };
  const digests: Record<string, string> = {};
  for (const [name, file] of Object.entries(files)) {
    const db = new Database(file, { readonly: true });
    try {
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
        .all() as { name: string }[];
      for (const { name: table } of tables) {
        const rows = db.prepare(`select * from "${table}" order by rowid`).all() as Record<string, unknown>[];
        const kept = table === 'api_key' ? rows.map(({ last_used_at: _used, ...row }) => row) : rows;
        digests[`${name}.${table}`] =
          `${rows.length}:${createHash('sha256').update(JSON.stringify(kept)).digest('hex')}`;
      }
    } finally {
      db.close();
    }
  }
  return digests;
}
