import pg from 'pg';
import type { BenchUrls } from './engine.js';
import { onServer, PG_SERVER_URL } from './postgres-seed.js';

/**
 * The `incremental-postgres` floor: the change set synchronized by hand on PostgreSQL copies of the two
 * apps, the same work as raw-incremental.ts does on SQLite files — read each side's changes since the
 * checkpoint in keyset pages of 1,000, find the counterparts through the external key (`erp_id`) instead
 * of couplings, write the changed values with one set-based UPDATE per page in one transaction per page;
 * no store, no couplings, no log, no conflict detection (the conflicting records are simply left out).
 * The writes take their rows as arrays (`unnest`), the cheapest way a hand-written sync sends them.
 *
 * The copies are made with `CREATE DATABASE … TEMPLATE` before the job runs, so engine and floor start
 * from the same data.
 */
export interface PostgresFloor {
  /** Runs the by-hand sync once on the copies: its time in ms and the rows it wrote. */
  run(): Promise<{ ms: number; written: number }>;
  drop(): Promise<void>;
}

const PAGE = 1000;

export async function copyAppsForFloorPostgres(
  urls: BenchUrls,
  lastSeededMs: number,
  conflicts: number,
): Promise<PostgresFloor> {
  const copies = { erp: `${databaseOf(urls.erp)}_floor`, crm: `${databaseOf(urls.crm)}_floor` };
  const drop = async () => {
    for (const name of Object.values(copies)) await onServer(`drop database if exists "${name}" with (force)`);
  };
  await drop();
  await onServer(`create database "${copies.erp}" template "${databaseOf(urls.erp)}"`);
  await onServer(`create database "${copies.crm}" template "${databaseOf(urls.crm)}"`);
  return {
    drop,
    run: () =>
      syncByHandPostgres(`${PG_SERVER_URL}/${copies.erp}`, `${PG_SERVER_URL}/${copies.crm}`, lastSeededMs, conflicts),
  };
}

async function syncByHandPostgres(
  erpUrl: string,
  crmUrl: string,
  lastSeededMs: number,
  conflicts: number,
): Promise<{ ms: number; written: number }> {
  const erp = new pg.Client({ connectionString: erpUrl });
  const crm = new pg.Client({ connectionString: crmUrl });
  await erp.connect();
  await crm.connect();
  try {
    const started = performance.now();
    // Cursors carry modified-on as PostgreSQL's own text: a JavaScript Date would drop the microseconds
    // of the stamps written by now(), and a page of equal stamps would then be read again and again.
    const since = new Date(lastSeededMs).toISOString();
    const ownWrites = new Set<string>();
    const conflicting = new Set<string>();
    let written = 0;

    // ERP → CRM: changed customers, their accounts by erp_id, names written over.
    let cursor: [string, string] = [since, '9223372036854775807'];
    for (;;) {
      const { rows: page } = await erp.query<{ id: string; name: string; modified_at: string }>(
        `select id::text, name, modified_at::text from customer where (modified_at, id) > ($1::timestamptz, $2::bigint)
         order by modified_at, id limit ${PAGE}`,
        cursor,
      );
      if (page.length === 0) break;
      const { rows: found } = await crm.query<{ accountid: string; erp_id: string }>(
        'select accountid::text, erp_id from account where erp_id = any($1)',
        [page.map((c) => c.id)],
      );
      const accountOf = new Map(found.map((a) => [a.erp_id, a.accountid]));
      const ids: string[] = [];
      const names: string[] = [];
      for (const c of page) {
        if (conflicting.size < conflicts) {
          conflicting.add(c.id);
          continue;
        }
        const account = accountOf.get(c.id);
        if (account) {
          ids.push(account);
          names.push(c.name);
          ownWrites.add(account);
        }
      }
      written += await inTransaction(
        crm,
        `update account set name = v.name, modifiedon = now()
         from unnest($1::uuid[], $2::text[]) as v (id, name) where accountid = v.id`,
        [ids, names],
      );
      const last = page[page.length - 1]!;
      cursor = [last.modified_at, last.id];
      if (page.length < PAGE) break;
    }

    // CRM → ERP: changed accounts (the ones the ERP side did not change), cities written over.
    let crmCursor: [string, string] = [since, 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
    for (;;) {
      const { rows: page } = await crm.query<{
        accountid: string;
        erp_id: string;
        address1_city: string;
        modifiedon: string;
      }>(
        `select accountid::text, erp_id, address1_city, modifiedon::text from account
         where (modifiedon, accountid) > ($1::timestamptz, $2::uuid) order by modifiedon, accountid limit ${PAGE}`,
        crmCursor,
      );
      if (page.length === 0) break;
      const changed = page.filter((a) => !conflicting.has(a.erp_id) && !ownWrites.has(a.accountid));
      written += await inTransaction(
        erp,
        `update customer set city = v.city, modified_at = now()
         from unnest($1::bigint[], $2::text[]) as v (id, city) where customer.id = v.id`,
        [changed.map((a) => a.erp_id), changed.map((a) => a.address1_city)],
      );
      const last = page[page.length - 1]!;
      crmCursor = [last.modifiedon, last.accountid];
      if (page.length < PAGE) break;
    }
    return { ms: performance.now() - started, written };
  } finally {
    await erp.end();
    await crm.end();
  }
}

/** One page's update in its own transaction; returns the rows it changed. */
async function inTransaction(client: pg.Client, sql: string, params: unknown[]): Promise<number> {
  if ((params[0] as unknown[]).length === 0) return 0;
  await client.query('begin');
  const { rowCount } = await client.query(sql, params);
  await client.query('commit');
  return rowCount ?? 0;
}

function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}
