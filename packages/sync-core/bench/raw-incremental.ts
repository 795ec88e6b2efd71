import type { CoupledSet } from './coupled-seed.js';
import type { BenchPaths } from './engine.js';
import { type AppDatabase, isoMs, openApp } from './seed.js';

const PAGE = 1000;

/**
 * The `incremental` change set synchronized by hand, as a floor for what any engine can do on this
 * machine: the app-side reads and writes that cannot be avoided, with none of the engine's bookkeeping
 * (no store, no couplings, no log, no conflict detection — the 500 conflicting records are simply left
 * out). Per side: read the changes since the checkpoint in keyset pages of 1,000, find the counterparts
 * through the external key (`erp_id`) instead of couplings, and write the changed values with one
 * `UPDATE … FROM (VALUES …)` per page, one transaction per page, the way the SQL connector writes.
 *
 * It runs on copies of the two app files as seeded, before any job, so that engine and floor start from
 * the same data, and its time can be read next to the job's: `floor_ms` of 1M against `ms_1m`.
 */
export function syncByHand(paths: BenchPaths, set: CoupledSet, conflicts: number): { ms: number; written: number } {
  const erp = openApp(paths.erp);
  const crm = openApp(paths.crm);
  // The connector's page cache; no checkpoints at all (the engine's run on a background thread), so the
  // floor is the reads and the writes alone.
  for (const db of [erp, crm]) db.exec('pragma cache_size = -4096; pragma wal_autocheckpoint = 0');
  try {
    const started = performance.now();
    const since = set.lastSeededMs;
    // Accounts this sync wrote itself come back among the CRM's changes: remembered, and skipped there.
    const ownWrites = new Set<string>();
    // The conflicting records are the first `conflicts` ERP changes; a hand-written sync skips them.
    const conflicting = new Set<string>();
    let written = 0;
    const customerChanges = erp.prepare(
      `select id, name, modified_at from customer where modified_at >= ? and (modified_at > ? or id > ?)
       order by modified_at, id limit ${PAGE}`,
    );
    const accountChanges = crm.prepare(
      `select accountid, erp_id, address1_city, modifiedon from account
       where modifiedon >= ? and (modifiedon > ? or accountid > ?) order by modifiedon, accountid limit ${PAGE}`,
    );

    // ERP → CRM: changed customers, their accounts by erp_id, names written over.
    // Cursors start after the last seeded record (as the engine's checkpoints do), not at it.
    let cursor = { ms: since, id: Number.MAX_SAFE_INTEGER };
    for (;;) {
      const page = customerChanges.all([isoMs(cursor.ms), isoMs(cursor.ms), cursor.id]) as Array<{
        id: number;
        name: string;
        modified_at: string;
      }>;
      if (page.length === 0) break;
      const accounts = byErpId(
        crm,
        page.map((c) => String(c.id)),
      );
      const rows: unknown[][] = [];
      for (const c of page) {
        if (conflicting.size < conflicts) {
          conflicting.add(String(c.id));
          continue;
        }
        const account = accounts.get(String(c.id));
        if (account) {
          rows.push([account, c.name]);
          ownWrites.add(account);
        }
      }
      written += write(crm, 'account', 'accountid', ['name'], 'modifiedon', Date.now(), rows);
      const last = page[page.length - 1]!;
      cursor = { ms: Date.parse(last.modified_at), id: last.id };
      if (page.length < PAGE) break;
    }

    // CRM → ERP: changed accounts (the ones the ERP side did not change), cities written over.
    let crmCursor = { ms: since, id: '\uffff' };
    for (;;) {
      const page = accountChanges.all([crmCursor.ms, crmCursor.ms, crmCursor.id]) as Array<{
        accountid: string;
        erp_id: string;
        address1_city: string;
        modifiedon: number;
      }>;
      if (page.length === 0) break;
      const rows = page
        .filter((a) => !conflicting.has(a.erp_id) && !ownWrites.has(a.accountid))
        .map((a) => [Number(a.erp_id), a.address1_city]);
      written += write(erp, 'customer', 'id', ['city'], 'modified_at', isoMs(Date.now()), rows);
      const last = page[page.length - 1]!;
      crmCursor = { ms: last.modifiedon, id: last.accountid };
      if (page.length < PAGE) break;
    }
    return { ms: performance.now() - started, written };
  } finally {
    erp.close();
    crm.close();
  }
}

function byErpId(crm: AppDatabase, erpIds: string[]): Map<string, string> {
  const found = crm
    .prepare(`select accountid, erp_id from account where erp_id in (${erpIds.map(() => '?').join(', ')})`)
    .all(erpIds) as Array<{ accountid: string; erp_id: string }>;
  return new Map(found.map((a) => [a.erp_id, a.accountid]));
}

/** One page of updates in one transaction: `rows` are [id, ...values of `columns`]. Returns rows changed. */
function write(
  db: AppDatabase,
  table: string,
  id: string,
  columns: readonly string[],
  modifiedOn: string,
  now: unknown,
  rows: readonly unknown[][],
): number {
  if (rows.length === 0) return 0;
  const names = ['v_id', ...columns.map((_, i) => `v_${i}`)];
  const tuple = `(${names.map(() => '?').join(', ')})`;
  const sets = [...columns.map((c, i) => `${c} = v.v_${i}`), `${modifiedOn} = ?`].join(', ');
  db.exec('begin immediate');
  const { changes } = db
    .prepare(
      `with v (${names.join(', ')}) as (values ${rows.map(() => tuple).join(', ')})
     update ${table} set ${sets} from v where ${id} = v.v_id`,
    )
    .run([...rows.flat(), now]);
  db.exec('commit');
  return changes;
}
