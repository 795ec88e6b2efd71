import Database from 'libsql';
import { removeCouplings, restoreRecords, retryAllSyncErrors } from '../src/actions/index.js';
import { SqlConnector } from '../src/connectors/sql/sql.connector.js';
import { createStore } from '../src/db/orm.js';
import { InProcessEventBus } from '../src/events/event-publisher.js';
import { type CoupledSet, seedCoupled } from './coupled-seed.js';
import type { BenchPaths } from './engine.js';
import { benchLine, note } from './kit.js';
import { tempDir } from './seed.js';

/**
 * The bulk triage actions (issue 3). Each scenario seeds N coupled records with SQL, parks them with one
 * open error each (as a job would have), then times one action call over all of them by filter.
 * - `retry-all`: retry all on 100,000 open update conflicts (target ≤ 1 s; set-based, no per-row flush).
 * - `remove-coupling-bulk`: remove coupling on 100,000 errors by filter (target ≤ 2 s).
 * - `restore-bulk`: restore 10,000 deleted CRM accounts through the SQL connector (target ≤ 3 s).
 */
export const retryAll = () =>
  timedAction('retry-all', 100_000, 'UPDATE_CONFLICT', async (ctx, mappingId) =>
    retryAllSyncErrors(ctx, { mappingId, kinds: ['UPDATE_CONFLICT'] }),
  );

export const removeCouplingBulk = () =>
  timedAction('remove-coupling-bulk', 100_000, 'WRITE_FAILED', async (ctx, mappingId) =>
    removeCouplings(ctx, { filter: { mappingId, kinds: ['WRITE_FAILED'] } }),
  );

export const restoreBulk = () =>
  timedAction(
    'restore-bulk',
    10_000,
    'INTEGRATION_RECORD_DELETED',
    async (ctx, mappingId) => restoreRecords(ctx, { filter: { mappingId, kinds: ['INTEGRATION_RECORD_DELETED'] } }),
    (paths) => {
      // The CRM accounts are gone: restore re-creates them from the ERP customers.
      const crm = new Database(paths.crm);
      crm.exec('delete from account');
      crm.close();
    },
  );

type ActionCall = (
  ctx: Parameters<typeof retryAllSyncErrors>[0],
  mappingId: number,
) => Promise<{ requested: number; succeeded: number; failed: number }>;

async function timedAction(
  name: string,
  records: number,
  kind: string,
  call: ActionCall,
  prepare?: (paths: BenchPaths) => void,
): Promise<string> {
  const dir = tempDir(name);
  try {
    const paths = { store: dir.file('store.sqlite'), erp: dir.file('erp.sqlite'), crm: dir.file('crm.sqlite') };
    const set = await seedCoupled(paths, records);
    parkWithErrors(paths.store, set, kind);
    prepare?.(paths);
    note(`${records} coupled records parked with ${kind} errors`);

    const store = await createStore({ url: `sqlite:${paths.store}` });
    const connectors = new Map([
      ['erp', SqlConnector.open('erp', `sqlite:${paths.erp}`)],
      ['crm', SqlConnector.open('crm', `sqlite:${paths.crm}`)],
    ]);
    try {
      const ctx = { store, connectors, events: new InProcessEventBus(), actor: 'bench' };
      const started = performance.now();
      const result = await call(ctx, set.mappingId);
      const ms = performance.now() - started;
      note(`${name}: ${JSON.stringify({ ...result, failures: undefined })}`);
      return benchLine(name, { ms: Math.round(ms), count: result.succeeded, failed: result.failed });
    } finally {
      for (const connector of connectors.values()) await connector.close();
      await store.close();
    }
  } finally {
    dir.remove();
  }
}

/** One open error per coupling, the coupling parked, as the engine leaves them. */
function parkWithErrors(storePath: string, set: CoupledSet, kind: string): void {
  const store = new Database(storePath);
  store.exec('pragma journal_mode = WAL');
  const now = Date.now();
  store.exec('update coupling set parked = 1');
  store
    .prepare(
      `insert into sync_error (mapping_id, coupling_id, job_id, kind, status, message, message_pattern, local_id, integration_id, occurred_at)
       select mapping_id, id, null, ?, 'OPEN', 'Both records changed since the last sync: name', 'Both records changed since the last sync: name',
              local_id, integration_id, ? from coupling where mapping_id = ?`,
    )
    .run([kind, now, set.mappingId]);
  store.exec('analyze');
  store.close();
}
