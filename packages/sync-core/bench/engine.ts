import type { Connector } from '../src/connectors/connector.js';
import { SqlConnector } from '../src/connectors/sql/sql.connector.js';
import { createStore, type Store } from '../src/db/orm.js';
import { runSync } from '../src/engine/run-sync.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../src/engine/sync-context.js';
import type { SyncOutcome } from '../src/engine/sync-run.js';
import { SyncJobSchema } from '../src/entities/index.js';
import { InProcessEventBus } from '../src/events/event-publisher.js';
import { saveTableMapping } from '../src/mappings/table-mapping.repository.js';
import type { TableMappingInput } from '../src/mappings/table-mapping-input.js';
import { installPhaseTimers, reportPhaseTimers } from './phase-timer.js';

/**
 * The benchmarks' mapping: the engine tests' CUSTOMERS_MAPPING (copied, bench code does not import from
 * test/). BIDIRECTIONAL, the default and the heavier case: a job reads both sides' changes.
 */
export const BENCH_MAPPING: TableMappingInput = {
  name: 'customers',
  local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
  integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon', externalKey: 'erp_id' },
  direction: 'BIDIRECTIONAL',
  fields: [
    { local: 'name', integration: 'name' },
    { local: 'email', integration: 'emailaddress1', match: true },
    { local: 'city', integration: 'address1_city' },
  ],
};

/**
 * Engine defaults, unless `TANDEM_BENCH_BATCH_SIZE` asks for another batch size (to compare, or to get
 * past a batch-size-dependent failure); every scenario prints the batch size it ran with.
 */
export function benchSettings(): Partial<EngineSettings> {
  const batchSize = Number(process.env.TANDEM_BENCH_BATCH_SIZE);
  return Number.isInteger(batchSize) && batchSize > 0 ? { batchSize } : {};
}

export function batchSizeInUse(): number {
  return benchSettings().batchSize ?? DEFAULT_ENGINE_SETTINGS.batchSize;
}

/** The SQLite files of one scenario: Tandem's store and the two apps. */
export interface BenchPaths {
  store: string;
  erp: string;
  crm: string;
}

/** The same three databases as URLs (`sqlite:…` or `postgres://…`), as the engine opens them. */
export interface BenchUrls {
  store: string;
  erp: string;
  crm: string;
}

export function sqliteUrls(paths: BenchPaths): BenchUrls {
  return { store: `sqlite:${paths.store}`, erp: `sqlite:${paths.erp}`, crm: `sqlite:${paths.crm}` };
}

/** Creates (and migrates) Tandem's store at the URL and saves the mapping; returns its id. */
export async function prepareStore(storeUrl: string, mapping: TableMappingInput = BENCH_MAPPING): Promise<number> {
  const store = await createStore({ url: storeUrl });
  try {
    return await saveTableMapping(store.em(), mapping);
  } finally {
    await store.close();
  }
}

export interface TimedOutcome extends SyncOutcome {
  jobId: number;
  ms: number;
}

/** The connectors a job opens, by the names the mapping uses (`erp`, `crm`). */
export type BenchConnectors = Map<string, Connector>;

/**
 * Runs one job of the mapping the way the job runner does (a sync_job row, then `runSync`) and times
 * `runSync` alone: opening the store and the connectors is start-up cost, not sync cost. The connectors
 * are SQL ones on `urls.erp` and `urls.crm` unless `openConnectors` gives others (they are closed after).
 */
export async function runOneJob(
  urls: BenchUrls,
  mappingId: number,
  openConnectors: () => BenchConnectors = () =>
    new Map<string, Connector>([
      ['erp', SqlConnector.open('erp', urls.erp)],
      ['crm', SqlConnector.open('crm', urls.crm)],
    ]),
): Promise<TimedOutcome> {
  const store: Store = await createStore({ url: urls.store });
  const connectors = openConnectors();
  try {
    const em = store.em();
    const now = Date.now();
    const job = em.create(SyncJobSchema, {
      mappingId,
      status: 'RUNNING',
      trigger: 'MANUAL',
      full: false,
      scope: null,
      queuedAt: now,
      startedAt: now,
    });
    await em.flush();
    installPhaseTimers();
    const started = performance.now();
    const outcome = await runSync(
      { store, connectors, events: new InProcessEventBus(), workerId: 'bench', settings: benchSettings() },
      {
        jobId: job.id,
        mappingId,
        full: false,
        scope: null,
        isCancelRequested: async () => false,
        onProgress: () => {},
      },
    );
    const ms = performance.now() - started;
    reportPhaseTimers();
    return { ...outcome, jobId: job.id, ms };
  } finally {
    for (const connector of connectors.values()) await connector.close();
    await store.close();
  }
}
