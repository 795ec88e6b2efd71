import { randomUUID } from 'node:crypto';
import { DEFAULT_ENGINE_SETTINGS } from '../src/engine/sync-context.js';
import { batchSizeInUse, prepareStore, runOneJob, sqliteUrls } from './engine.js';
import { benchLine, note } from './kit.js';
import { besideStoreFloor } from './overlap-floor.js';
import { storeByHandInitial } from './raw-store.js';
import { CRM_SCHEMA, customer, ERP_SCHEMA, insertRows, isoMs, openApp, tempDir } from './seed.js';

const RECORDS = 100_000;

/**
 * `initial-sync`: 100,000 new ERP customers, none in the CRM, SQLite to SQLite. Compares one engine job
 * (match lookups, inserts, couplings, log entries, checkpoints) with a hand-written batched copy of the
 * same rows into an identical empty table in the same run, so the ratio says what the engine's
 * bookkeeping costs on this machine whatever its speed. Target (issue 16): ratio ≤ 1.6.
 */
export async function initialSync(): Promise<string> {
  const dir = tempDir('initial');
  try {
    const erpPath = dir.file('erp.sqlite');
    const erp = openApp(erpPath, ERP_SCHEMA);
    const start = Date.now() - RECORDS;
    insertRows(
      erp,
      'customer',
      ['name', 'email', 'city', 'modified_at'],
      Array.from({ length: RECORDS }, (_, k) => {
        const c = customer(k + 1);
        return [c.name, c.email, c.city, isoMs(start + k)];
      }),
    );
    erp.close();
    note(`seeded ${RECORDS} ERP customers`);

    // Raw first, so that neither side profits from a page cache the other warmed (the ERP file is
    // warm for both: it was just written).
    const rawMs = rawCopy(erpPath, dir.file('crm-raw.sqlite'));
    note(`raw copy: ${Math.round(rawMs)} ms`);
    // The store's share by hand (raw-store.ts): a coupling and a log entry per record, in a store of its own.
    const floorStorePath = dir.file('store-floor.sqlite');
    const floorMappingId = await prepareStore(`sqlite:${floorStorePath}`);
    const pairs = Array.from({ length: RECORDS }, (_, k): [string, string] => [String(k + 1), randomUUID()]);
    const storeFloorMs = storeByHandInitial(floorStorePath, floorMappingId, pairs);
    note(`store by hand (couplings and log entries): ${Math.round(storeFloorMs)} ms`);
    // Both at once (overlap-floor.ts): the raw copy here, the store's share in another process, into
    // fresh files of their own.
    const overlapStorePath = dir.file('store-overlap.sqlite');
    const overlapMappingId = await prepareStore(`sqlite:${overlapStorePath}`);
    const overlap = await besideStoreFloor(
      { kind: 'initial', path: overlapStorePath, mappingId: overlapMappingId, pairs },
      () => rawCopy(erpPath, dir.file('crm-overlap.sqlite')),
    );
    note(
      `both at once on two cores: ${Math.round(overlap.ms)} ms (raw copy ${Math.round(overlap.appsMs)} ms, ` +
        `store ${Math.round(overlap.storeMs)} ms beside each other)`,
    );

    const crmPath = dir.file('crm.sqlite');
    openApp(crmPath, CRM_SCHEMA).close();
    const storePath = dir.file('store.sqlite');
    const mappingId = await prepareStore(`sqlite:${storePath}`);
    const outcome = await runOneJob(sqliteUrls({ store: storePath, erp: erpPath, crm: crmPath }), mappingId);
    note(`engine job: ${Math.round(outcome.ms)} ms, ${outcome.status}, ${JSON.stringify(outcome.counters)}`);
    if (outcome.status !== 'SUCCEEDED') note(`job message: ${outcome.message?.slice(0, 300)}`);

    return benchLine('initial-sync', {
      engine_ms: Math.round(outcome.ms),
      raw_ms: Math.round(rawMs),
      ratio: outcome.ms / rawMs,
      store_floor_ms: Math.round(storeFloorMs),
      // The best ratio an engine can reach with its store and the apps taking turns on one thread.
      bound_ratio: (rawMs + storeFloorMs) / rawMs,
      // The best ratio with the store and the apps side by side on two cores (overlap-floor.ts).
      overlap_ms: Math.round(overlap.ms),
      overlap_bound: overlap.ms / rawMs,
      inserted: outcome.counters.inserted,
      status: outcome.status,
      batch: batchSizeInUse(),
      // A first sync reads with the larger initial batch (the engine's `initialBatchSize`).
      initial_batch: DEFAULT_ENGINE_SETTINGS.initialBatchSize,
    });
  } finally {
    dir.remove();
  }
}

/**
 * What a hand-written copy costs: read the ERP rows, give each a UUID and the current time as the CRM
 * does, and insert them with 500-row INSERTs in one transaction into a fresh `account` table, through
 * the same driver (libsql) and pragmas as the connector.
 */
function rawCopy(erpPath: string, crmPath: string): number {
  const erp = openApp(erpPath);
  const crm = openApp(crmPath, CRM_SCHEMA);
  // Timed from here, like the engine job, which is timed after its store and connectors are open.
  const started = performance.now();
  let elapsed = 0;
  try {
    const rows = erp.prepare('select id, name, email, city from customer order by id').all([]) as Array<{
      id: number;
      name: string;
      email: string;
      city: string;
    }>;
    const now = Date.now();
    insertRows(
      crm,
      'account',
      ['accountid', 'name', 'emailaddress1', 'address1_city', 'erp_id', 'modifiedon'],
      rows.map((r) => [randomUUID(), r.name, r.email, r.city, String(r.id), now]),
    );
    elapsed = performance.now() - started;
  } finally {
    erp.close();
    crm.close();
  }
  return elapsed;
}
