import type { ConnectorRegistry } from '../../src/connectors/connector.js';
import { SqlConnector } from '../../src/connectors/sql/sql.connector.js';
import { createStore, type Store } from '../../src/db/orm.js';
import { runSync } from '../../src/engine/run-sync.js';
import type { EngineSettings } from '../../src/engine/sync-context.js';
import type { SyncOutcome } from '../../src/engine/sync-run.js';
import { SyncJobSchema } from '../../src/entities/index.js';
import { InProcessEventBus } from '../../src/events/event-publisher.js';
import { saveTableMapping } from '../../src/mappings/table-mapping.repository.js';
import type { TableMappingInput } from '../../src/mappings/table-mapping-input.js';
import { type AppDb, openAppDb } from './app-db.js';
import { type Dialect, type ScratchDatabase, scratchDatabase } from './databases.js';

/**
 * Two apps and Tandem's store for one engine test:
 * - ERP (local): `customer(id integer identity, name, email, city, credit, modified_at)`
 * - CRM (integration): `account(accountid uuid/text, name, emailaddress1, address1_city, creditlimit,
 *   erp_id, modifiedon)` — its `name` rejects the value 'REJECT' (a CHECK), so tests can make writes fail.
 * On SQLite the ERP stores modified-on as ISO text and the CRM as epoch milliseconds; on PostgreSQL both
 * are timestamptz (with microseconds).
 */
export interface SyncFixture {
  dialect: Dialect;
  store: Store;
  erp: AppDb;
  crm: AppDb;
  events: InProcessEventBus;
  connectors: Map<string, SqlConnector>;
  /** Where the store and the two apps live, for child processes that open them on their own. */
  urls: { store: string; erp: string; crm: string };
  mappingId: number;
  /** Runs one job the way the job runner would (a sync_job row, then the engine), with its notices. */
  sync(options?: SyncOptions): Promise<SyncOutcome & { jobId: number; notices: string[] }>;
  /** Replaces the mapping (same name) with changes to the defaults. */
  remap(changes: Partial<TableMappingInput>): Promise<void>;
  /** A modified-on value later than every earlier one, in the app's own format. */
  stamp(app: 'erp' | 'crm'): string | number;
  close(): Promise<void>;
}

export interface SyncOptions {
  full?: boolean;
  scope?: number[];
  /** Ask the job to stop once this many batches are committed. */
  cancelAfterBatches?: number;
  /** Runs when the job asks whether to stop, i.e. between batches: lets a test act in the middle of a job. */
  onBatch?: () => Promise<void>;
  /** Connectors in place of the fixture's SQL ones (a Dataverse CRM, a slowed or failing app). */
  connectors?: ConnectorRegistry;
}

export const CUSTOMERS_MAPPING: TableMappingInput = {
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

export async function createSyncFixture(
  dialect: Dialect,
  mapping: Partial<TableMappingInput> = {},
  settings: Partial<EngineSettings> = {},
): Promise<SyncFixture> {
  // A test that sets a batch size means it for the first sync too (batch boundaries are what it tests).
  if (settings.batchSize !== undefined && settings.initialBatchSize === undefined) {
    settings = { ...settings, initialBatchSize: settings.batchSize };
  }
  const dbs: ScratchDatabase[] = [];
  const scratch = async (label: string) => {
    const db = await scratchDatabase(dialect, label);
    dbs.push(db);
    return db;
  };
  const [storeDb, erpDb, crmDb] = [await scratch('store'), await scratch('erp'), await scratch('crm')];
  const store = await createStore({ url: storeDb.url });
  const erp = openAppDb(dialect, erpDb.url);
  const crm = openAppDb(dialect, crmDb.url);
  await createAppTables(dialect, erp, crm);
  const connectors = new Map([
    ['erp', SqlConnector.open('erp', erpDb.url)],
    ['crm', SqlConnector.open('crm', crmDb.url)],
  ]);
  const events = new InProcessEventBus();
  let mappingId = await saveTableMapping(store.em(), { ...CUSTOMERS_MAPPING, ...mapping });
  let lastStamp = Date.now();

  return {
    dialect,
    store,
    erp,
    crm,
    events,
    connectors,
    urls: { store: storeDb.url, erp: erpDb.url, crm: crmDb.url },
    get mappingId() {
      return mappingId;
    },
    async sync(options = {}) {
      const em = store.em();
      const now = Date.now();
      const job = em.create(SyncJobSchema, {
        mappingId,
        status: 'RUNNING',
        trigger: options.scope ? 'RETRY' : 'MANUAL',
        full: options.full ?? false,
        scope: options.scope ? JSON.stringify(options.scope) : null,
        queuedAt: now,
        startedAt: now,
      });
      await em.flush();
      let batches = 0;
      const notices: string[] = [];
      const outcome = await runSync(
        { store, connectors: options.connectors ?? connectors, events, workerId: 'test', settings },
        {
          jobId: job.id,
          mappingId,
          full: options.full ?? false,
          scope: options.scope ?? null,
          isCancelRequested: async () => {
            await options.onBatch?.();
            return options.cancelAfterBatches !== undefined && batches >= options.cancelAfterBatches;
          },
          onProgress: () => {
            batches++;
          },
          // The job's notices ("the CRM asked to wait 12 s"), as its progress shows them.
          onNotice: (message) => notices.push(message),
        },
      );
      return { ...outcome, jobId: job.id, notices };
    },
    async remap(changes) {
      mappingId = await saveTableMapping(store.em(), { ...CUSTOMERS_MAPPING, ...mapping, ...changes });
    },
    stamp(app) {
      lastStamp = Math.max(Date.now(), lastStamp + 1);
      if (dialect === 'postgresql') return new Date(lastStamp).toISOString();
      return app === 'erp' ? new Date(lastStamp).toISOString() : lastStamp;
    },
    async close() {
      for (const connector of connectors.values()) await connector.close();
      await erp.close();
      await crm.close();
      await store.close();
      for (const db of dbs) await db.drop();
    },
  };
}

async function createAppTables(dialect: Dialect, erp: AppDb, crm: AppDb): Promise<void> {
  if (dialect === 'sqlite') {
    await erp.run(`create table customer (
      id integer primary key autoincrement, name text, email text, city text, credit integer,
      modified_at text not null)`);
    await crm.run(`create table account (
      accountid text primary key, name text check (name is null or name <> 'REJECT'), emailaddress1 text,
      address1_city text, creditlimit integer, erp_id text, modifiedon integer not null)`);
    return;
  }
  await erp.run(`create table customer (
    id serial primary key, name text, email text, city text, credit integer,
    modified_at timestamptz not null default clock_timestamp())`);
  await crm.run(`create table account (
    accountid uuid primary key default gen_random_uuid(), name text check (name is null or name <> 'REJECT'),
    emailaddress1 text, address1_city text, creditlimit integer, erp_id text,
    modifiedon timestamptz not null default clock_timestamp())`);
}
