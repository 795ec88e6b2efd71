import type { EmulatorOptions, EmulatorStats } from '@tandem/dataverse-emulator';
import Database from 'libsql';
import type { Connector } from '../src/connectors/connector.js';
import {
  DATAVERSE_DEFAULTS,
  DataverseConnector,
  type DataverseConnectorSpec,
} from '../src/connectors/dataverse/index.js';
import { SqlConnector } from '../src/connectors/sql/sql.connector.js';
import type { TableMappingInput } from '../src/mappings/table-mapping-input.js';
import { type CrmProcess, startCrmProcess } from './dataverse-crm.js';
import { type BenchUrls, batchSizeInUse, prepareStore, runOneJob } from './engine.js';
import { benchLine, note } from './kit.js';
import { customer, ERP_SCHEMA, insertRows, isoMs, openApp, tempDir } from './seed.js';

/**
 * `dataverse-throughput`: 10,000 changed records each way between a SQLite ERP and the Dataverse emulator
 * with scaled service protection limits (300 requests per 10 s sliding window, 52 concurrent requests,
 * 20 ms latency per request). The question: does the Dataverse connector use what the limits allow, or does
 * its pacing (ramp-up, pauses after 429) or its request pattern waste time?
 *
 * Setup (not timed): 20,000 ERP customers; one job couples them (inserting them into the CRM) with the
 * limits lifted; then ERP customers 1–10,000 are renamed with SQL and CRM accounts 10,001–20,000 through the
 * Web API (`$batch`, by a second application user, as another user of the CRM would); the limits are put
 * back and the sliding window left to empty. Timed: one incremental job, which must write 10,000 records
 * into the CRM and read 10,000 changed ones out of it. Then the same again twice on the coupled records (new
 * values each time): once with the limits lifted and no latency (`unlimited_ms`: what the job costs when
 * the CRM never holds it back), once with the limits and 10 rows per `$batch` (`*_b10`, see SMALL_BATCH).
 * After each job both sides are checked record by record: every changed value on both sides, no CRM
 * account twice for one ERP id, no ERP row twice.
 *
 * The emulator runs in a process of its own (a CRM is somebody else's server), and the job in this one.
 *
 * The floor — the least time the limits allow for the R requests the job made (R = requests the emulator
 * received during the job less the ones it refused with 429: those are waste, not need):
 * - sliding window: with request k (0-based) admitted at t_k, request k + L cannot be admitted before
 *   t_k + W (L = 300 requests per W = 10 s), so t_(R−1) ≥ ⌊(R − 1) / L⌋ · W; the last then takes the
 *   latency d (20 ms): window_ms = ⌊(R − 1) / L⌋ · W + d. (The smoothed "L at once, then L/W per second",
 *   max(0, R − L) / (L/W) + d, is lower and not reachable under a sliding window of timestamps.)
 * - latency: at most C = 52 requests in flight, each ≥ d: latency_ms = ⌈R / C⌉ · d.
 * floor_ms = max(window_ms, latency_ms); ratio = job_ms / floor_ms. Target ≤ 1.5. The floor counts only
 * what the limits impose: no server or engine work, no ordering between requests (reads before writes).
 */
const RECORDS = 20_000;
/** Customers 1..CHANGED are renamed in the ERP, CHANGED+1..RECORDS in the CRM. */
const CHANGED = 10_000;

export const DATAVERSE_LIMITS = { windowSeconds: 10, requestsPerWindow: 300, concurrent: 52 };
export const DATAVERSE_LATENCY_MS = 20;

const SYNC_CLIENT = { clientId: 'tandem-sync', clientSecret: 'bench-secret-1' };
const OTHER_USER = { clientId: 'another-crm-user', clientSecret: 'bench-secret-2' };

/** The CRM's `accounts` as a Dataverse table: GUID key, `erp_id` as alternate key, change tracking on. */
const ACCOUNTS: EmulatorOptions['schema']['entitySets'][number] = {
  name: 'accounts',
  key: 'accountid',
  logicalName: 'account',
  columns: [
    { name: 'name', type: 'string', maxLength: 160, required: true },
    { name: 'emailaddress1', type: 'string', maxLength: 100 },
    { name: 'address1_city', type: 'string', maxLength: 80 },
    { name: 'erp_id', type: 'string', maxLength: 40 },
  ],
  alternateKeys: [['erp_id']],
};

/** The benchmarks' customers mapping (bench/engine.ts) with a Dataverse entity set on the CRM side. */
const MAPPING: TableMappingInput = {
  name: 'customers',
  local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
  integration: {
    connector: 'crm',
    table: 'accounts',
    id: 'accountid',
    modifiedOn: 'modifiedon',
    externalKey: 'erp_id',
  },
  direction: 'BIDIRECTIONAL',
  fields: [
    { local: 'name', integration: 'name' },
    { local: 'email', integration: 'emailaddress1', match: true },
    { local: 'city', integration: 'address1_city' },
  ],
};

const erpName = (i: number, round: number) => `${customer(i).name} (ERP edit ${round})`;
const crmName = (i: number, round: number) => `${customer(i).name} (CRM edit ${round})`;

/**
 * The second timed job's connector batch size. With 100 (the default) the 20,000 changes need about 220
 * requests, fewer than one window allows, so the first job's floor is the latency bound and the limits never
 * bind. Ten rows per `$batch` make the same change set need about 1,100 requests — as many as ten times the
 * changes at the default batch size would — so the second job shows how the pacer copes once the window is
 * the bottleneck (429s, Retry-After, ramping up again).
 */
const SMALL_BATCH = 10;

interface Round {
  ms: number;
  floor: { ms: number; windowMs: number; latencyMs: number };
  requests: number;
  throttled: number;
  throttledFailures: number;
  duplicates: number;
  wrong: number;
  modified: number;
  failed: number;
  status: string;
  jobCpuMs: number;
  crmCpuMs: number;
}

export async function dataverseThroughput(): Promise<string> {
  const dir = tempDir('dataverse');
  const crm = await startCrmProcess({
    schema: { entitySets: [ACCOUNTS] },
    clients: [SYNC_CLIENT, OTHER_USER],
    limits: DATAVERSE_LIMITS,
    faults: { latencyMs: DATAVERSE_LATENCY_MS },
    seed: 13,
  });
  try {
    const paths = { store: dir.file('store.sqlite'), erp: dir.file('erp.sqlite') };
    const urls: BenchUrls = { store: `sqlite:${paths.store}`, erp: `sqlite:${paths.erp}`, crm: crm.url };
    const seedStarted = performance.now();
    const mappingId = await seedCoupled(paths.erp, urls, crm);
    note(`seeded and coupled in ${Math.round(performance.now() - seedStarted)} ms (not timed)`);
    const main = await timedRound(1, DATAVERSE_DEFAULTS.batchSize, true, paths, urls, mappingId, crm);
    const unlimited = await timedRound(2, DATAVERSE_DEFAULTS.batchSize, false, paths, urls, mappingId, crm);
    const small = await timedRound(3, SMALL_BATCH, true, paths, urls, mappingId, crm);
    return benchLine('dataverse-throughput', {
      ratio: main.ms / main.floor.ms,
      job_ms: Math.round(main.ms),
      floor_ms: Math.round(main.floor.ms),
      requests: main.requests,
      throttled: main.throttled,
      throttled_failures: main.throttledFailures,
      duplicates: main.duplicates,
      wrong: main.wrong,
      modified: main.modified,
      status: main.status,
      job_cpu_ms: Math.round(main.jobCpuMs),
      crm_cpu_ms: Math.round(main.crmCpuMs),
      crm_batch: DATAVERSE_DEFAULTS.batchSize,
      // The same job with no limits and no latency: what the job costs when the CRM never holds it back.
      unlimited_ms: Math.round(unlimited.ms),
      wrong_unlimited: unlimited.wrong,
      ratio_b10: small.ms / small.floor.ms,
      job_ms_b10: Math.round(small.ms),
      floor_ms_b10: Math.round(small.floor.ms),
      requests_b10: small.requests,
      throttled_b10: small.throttled,
      throttled_failures_b10: small.throttledFailures,
      duplicates_b10: small.duplicates,
      wrong_b10: small.wrong,
      status_b10: small.status,
      batch: batchSizeInUse(),
    });
  } finally {
    await crm.close();
    dir.remove();
  }
}

/**
 * One timed job: rename 10,000 records on each side (untimed), let the sync user's window empty, run the
 * job with a connector of `crmBatch` rows per `$batch`, and check both sides. With `limited` false the job
 * runs with the limits lifted and no latency (the floor is then reported but means nothing).
 */
async function timedRound(
  round: number,
  crmBatch: number,
  limited: boolean,
  paths: { store: string; erp: string },
  urls: BenchUrls,
  mappingId: number,
  crm: CrmProcess,
): Promise<Round> {
  await crm.setLimits({ requestsPerWindow: 1_000_000, concurrent: 1_000 });
  await changeBothSides(paths.erp, crm, round);
  if (limited) {
    // The limits back, and the sync user's window empty, so the job starts as a job on a quiet CRM would.
    await crm.setLimits(DATAVERSE_LIMITS);
    await sleep(DATAVERSE_LIMITS.windowSeconds * 1000 + 1000);
  } else {
    await crm.setFaults({});
  }

  const before = await crm.stats();
  const crmCpuBefore = await crm.cpuMs();
  const cpuBefore = process.cpuUsage();
  const connector = DataverseConnector.open('crm', { ...spec(crm, SYNC_CLIENT), batchSize: crmBatch });
  const outcome = await runOneJob(urls, mappingId, () => connectors(urls, connector));
  const cpu = process.cpuUsage(cpuBefore);
  const crmCpuMs = (await crm.cpuMs()) - crmCpuBefore;
  if (!limited) await crm.setFaults({ latencyMs: DATAVERSE_LATENCY_MS });
  const used = difference(await crm.stats(), before);
  const requests = used.requests - used.throttled;
  const floor = floorMs(requests);
  note(
    `job ${round} (${crmBatch} rows per $batch${limited ? '' : ', no limits, no latency'}): ${Math.round(outcome.ms)} ms, ${outcome.status}, ` +
      `${JSON.stringify(outcome.counters)}; emulator: ${JSON.stringify(used)}; connector: ` +
      `${JSON.stringify(connector.stats())}; floor ${Math.round(floor.ms)} ms (window ${Math.round(floor.windowMs)} ms, ` +
      `latency ${Math.round(floor.latencyMs)} ms); CPU: job process ${Math.round((cpu.user + cpu.system) / 1000)} ms, ` +
      `emulator ${Math.round(crmCpuMs)} ms`,
  );
  if (outcome.message) note(`job message: ${outcome.message.slice(0, 300)}`);

  const check = await checkBothSides(paths.erp, crm, round);
  // A job that ran out of wait budget leaves its unsynced records behind: they failed because of throttling.
  const throttledFailures =
    throttlingErrors(paths.store, outcome.jobId) +
    (outcome.status === 'FAILED' && /wait|429|throttl/i.test(outcome.message ?? '') ? check.wrong : 0);
  note(
    `check ${round}: ${check.wrong} records without their changed value on both sides, ` +
      `${check.crmRows} CRM / ${check.erpRows} ERP rows, ${check.duplicates} duplicates`,
  );
  return {
    ms: outcome.ms,
    floor,
    requests,
    throttled: used.throttled,
    throttledFailures,
    duplicates: check.duplicates,
    wrong: check.wrong,
    modified: outcome.counters.modified,
    failed: outcome.counters.failed,
    status: outcome.status,
    jobCpuMs: (cpu.user + cpu.system) / 1000,
    crmCpuMs,
  };
}

/** floor_ms for R requests under the benchmark's limits (see the comment at the top). */
export function floorMs(requests: number): { ms: number; windowMs: number; latencyMs: number } {
  const { windowSeconds, requestsPerWindow, concurrent } = DATAVERSE_LIMITS;
  if (requests <= 0) return { ms: 0, windowMs: 0, latencyMs: 0 };
  const windowMs = Math.floor((requests - 1) / requestsPerWindow) * windowSeconds * 1000 + DATAVERSE_LATENCY_MS;
  const latencyMs = Math.ceil(requests / concurrent) * DATAVERSE_LATENCY_MS;
  return { ms: Math.max(windowMs, latencyMs), windowMs, latencyMs };
}

function spec(crm: CrmProcess, client: { clientId: string; clientSecret: string }): DataverseConnectorSpec {
  return {
    type: 'dataverse',
    url: crm.url,
    auth: { tokenUrl: crm.tokenUrl, ...client, scope: `${crm.url}/.default` },
  };
}

function connectors(urls: BenchUrls, crm: Connector): Map<string, Connector> {
  return new Map<string, Connector>([
    ['erp', SqlConnector.open('erp', urls.erp)],
    ['crm', crm],
  ]);
}

/**
 * 20,000 ERP customers, coupled by one (untimed) job that inserts them into the CRM, with the limits lifted
 * so that the setup does not take minutes. Returns the mapping's id.
 */
async function seedCoupled(erpPath: string, urls: BenchUrls, crm: CrmProcess): Promise<number> {
  const erp = openApp(erpPath, ERP_SCHEMA);
  const start = Date.now() - 3_600_000;
  insertRows(
    erp,
    'customer',
    ['id', 'name', 'email', 'city', 'modified_at'],
    Array.from({ length: RECORDS }, (_, k) => {
      const c = customer(k + 1);
      return [k + 1, c.name, c.email, c.city, isoMs(start + k)];
    }),
  );
  erp.close();
  const mappingId = await prepareStore(urls.store, MAPPING);
  await crm.setLimits({ requestsPerWindow: 1_000_000, concurrent: 1_000 });
  const coupling = await runOneJob(urls, mappingId, () =>
    connectors(urls, DataverseConnector.open('crm', spec(crm, SYNC_CLIENT))),
  );
  note(
    `initial job (untimed): ${Math.round(coupling.ms)} ms, ${coupling.status}, ${JSON.stringify(coupling.counters)}`,
  );
  if (coupling.status !== 'SUCCEEDED' || coupling.counters.inserted !== RECORDS) {
    throw new Error(`the initial job did not couple ${RECORDS} records: ${coupling.message ?? coupling.status}`);
  }
  return mappingId;
}

/** ERP customers 1..CHANGED renamed with SQL; CRM accounts CHANGED+1..RECORDS renamed through `$batch`. */
async function changeBothSides(erpPath: string, crm: CrmProcess, round: number): Promise<void> {
  const erp = openApp(erpPath);
  const now = isoMs(Date.now());
  const rename = erp.prepare('update customer set name = ?, modified_at = ? where id = ?');
  erp.exec('begin immediate');
  for (let i = 1; i <= CHANGED; i++) rename.run([erpName(i, round), now, i]);
  erp.exec('commit');
  erp.close();

  const accountOf = new Map((await crm.rows('accounts')).map((row) => [Number(row.erp_id), String(row.accountid)]));
  const other = DataverseConnector.open('other-user', spec(crm, OTHER_USER));
  const table = other.openTable({ table: 'accounts', idColumn: 'accountid', modifiedColumn: 'modifiedon' });
  const rows = [];
  for (let i = CHANGED + 1; i <= RECORDS; i++)
    rows.push({ id: accountOf.get(i)!, values: { name: crmName(i, round) } });
  const results = await table.update(rows);
  const refused = results.filter((r) => !r.ok).length;
  if (refused > 0) throw new Error(`${refused} CRM renames were refused`);
}

/** Both sides hold every changed value; no CRM account twice for one ERP id, no ERP row twice. */
async function checkBothSides(
  erpPath: string,
  crm: CrmProcess,
  round: number,
): Promise<{ wrong: number; duplicates: number; crmRows: number; erpRows: number }> {
  const accounts = await crm.rows('accounts');
  const byErpId = new Map<number, Array<Record<string, unknown>>>();
  for (const row of accounts) {
    const id = Number(row.erp_id);
    byErpId.set(id, [...(byErpId.get(id) ?? []), row]);
  }
  const erp = new Database(erpPath);
  const customers = erp.prepare('select id, name, email from customer').all([]) as Array<{
    id: number;
    name: string;
    email: string;
  }>;
  const erpEmails = erp.prepare('select count(*) - count(distinct email) as n from customer').get([]) as { n: number };
  erp.close();
  let duplicates = erpEmails.n + Math.max(0, customers.length - RECORDS);
  for (const rows of byErpId.values()) duplicates += rows.length - 1;
  const erpById = new Map(customers.map((c) => [c.id, c.name]));
  let wrong = 0;
  for (let i = 1; i <= RECORDS; i++) {
    const expected = i <= CHANGED ? erpName(i, round) : crmName(i, round);
    const account = byErpId.get(i)?.[0];
    if (account?.name !== expected || erpById.get(i) !== expected) wrong++;
  }
  return { wrong, duplicates, crmRows: accounts.length, erpRows: customers.length };
}

/** Sync errors of the job whose message is about throttling (429, waiting). */
function throttlingErrors(storePath: string, jobId: number): number {
  const store = new Database(storePath);
  try {
    const rows = store.prepare('select message from sync_error where job_id = ?').all([jobId]) as Array<{
      message: string;
    }>;
    return rows.filter((r) => /429|too many requests|throttl|asked to wait|service protection/i.test(r.message)).length;
  } finally {
    store.close();
  }
}

/** What the emulator counted between two snapshots (its all-time `maxConcurrent` left out). */
function difference(after: EmulatorStats, before: EmulatorStats): Omit<EmulatorStats, 'maxConcurrent'> {
  const { maxConcurrent: _max, ...counts } = after;
  const keys = Object.keys(counts) as Array<keyof typeof counts>;
  return Object.fromEntries(keys.map((k) => [k, after[k] - before[k]])) as Omit<EmulatorStats, 'maxConcurrent'>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
