import { randomUUID } from 'node:crypto';
import Database from 'libsql';
import { type BenchPaths, prepareStore } from './engine.js';
import { type AppDatabase, CRM_SCHEMA, customer, ERP_SCHEMA, insertRows, isoMs, openApp } from './seed.js';

/**
 * A steady state written directly with SQL, because syncing a million records through the engine first
 * would take longer than the benchmark itself: N ERP customers, N CRM accounts, N couplings that say
 * "in sync" (same values, modified-on as stored) and both sides' checkpoints after the last record.
 * The encodings follow the initial migration and CouplingRepository: values are JSON objects of the
 * mapped fields keyed by each side's field names, modified-on values are epoch microseconds as the SQL
 * connector reads them (ms × 1000 for both ISO text and epoch-ms columns).
 */
export interface CoupledSet {
  mappingId: number;
  /** CRM account id of ERP customer `i` (index i - 1). */
  accountIds: string[];
  /** Epoch ms of the newest seeded record: every change is stamped after it. */
  lastSeededMs: number;
}

/** Seeded history is one record per second, ending an hour ago, so the look-back window re-reads little. */
const SPACING_MS = 1000;
const CHUNK = 50_000;

export async function seedCoupled(paths: BenchPaths, records: number): Promise<CoupledSet> {
  const mappingId = await prepareStore(`sqlite:${paths.store}`);
  const endMs = Date.now() - 3_600_000;
  const modifiedMs = (i: number) => endMs - (records - i) * SPACING_MS;
  const accountIds = Array.from({ length: records }, () => randomUUID());

  const erp = openApp(paths.erp, ERP_SCHEMA);
  const crm = openApp(paths.crm, CRM_SCHEMA);
  const store = new Database(paths.store);
  for (const db of [erp, crm, store]) fastLoad(db);
  const createdAt = Date.now();
  for (let from = 1; from <= records; from += CHUNK) {
    const to = Math.min(records, from + CHUNK - 1);
    const erpRows: unknown[][] = [];
    const crmRows: unknown[][] = [];
    const couplingRows: unknown[][] = [];
    for (let i = from; i <= to; i++) {
      const c = customer(i);
      const ms = modifiedMs(i);
      erpRows.push([i, c.name, c.email, c.city, isoMs(ms)]);
      crmRows.push([accountIds[i - 1], c.name, c.email, c.city, String(i), ms]);
      couplingRows.push([
        mappingId,
        String(i),
        accountIds[i - 1],
        'COUPLED',
        ms * 1000,
        ms * 1000,
        JSON.stringify({ name: c.name, email: c.email, city: c.city }),
        JSON.stringify({ name: c.name, emailaddress1: c.email, address1_city: c.city }),
        0,
        0,
        0,
        createdAt,
        createdAt,
      ]);
    }
    insertRows(erp, 'customer', ['id', 'name', 'email', 'city', 'modified_at'], erpRows);
    insertRows(
      crm,
      'account',
      ['accountid', 'name', 'emailaddress1', 'address1_city', 'erp_id', 'modifiedon'],
      crmRows,
    );
    insertRows(store, 'coupling', COUPLING_COLUMNS, couplingRows);
  }
  const lastMs = modifiedMs(records);
  store
    .prepare(
      'insert into sync_checkpoint (mapping_id, side, modified_us, record_id, deletion_scan_at) values (?, ?, ?, ?, ?)',
    )
    .run([mappingId, 'LOCAL', lastMs * 1000, String(records), Date.now()]);
  store
    .prepare(
      'insert into sync_checkpoint (mapping_id, side, modified_us, record_id, deletion_scan_at) values (?, ?, ?, ?, ?)',
    )
    .run([mappingId, 'INTEGRATION', lastMs * 1000, accountIds[records - 1], Date.now()]);
  for (const db of [erp, crm, store]) {
    db.exec('analyze');
    db.close();
  }
  return { mappingId, accountIds, lastSeededMs: lastMs };
}

const COUPLING_COLUMNS = [
  'mapping_id',
  'local_id',
  'integration_id',
  'state',
  'local_modified_us',
  'integration_modified_us',
  'local_values',
  'integration_values',
  'parked',
  'failure_count',
  'retry_requested',
  'last_synced_at',
  'created_at',
];

/** Seeding only: nothing here has to survive a crash. WAL stays on, as the engine and apps expect it. */
function fastLoad(db: AppDatabase): void {
  db.exec('pragma journal_mode = WAL; pragma synchronous = OFF; pragma cache_size = -200000');
}

export interface ChangeSet {
  /** ERP ids changed on the ERP side. */
  local: number;
  /** Accounts changed on the CRM side. */
  integration: number;
  /** Of those, records changed on both sides, in the same field, to different values. */
  conflicts: number;
}

/** The records `applyChanges` changed, for the floors that must touch the same ones. */
export interface ChangedRecords {
  /** ERP ids changed on the ERP side, in order; the first `conflicts` of them were also renamed in the CRM. */
  erpIds: string[];
  /** CRM account ids changed on the CRM side only. */
  crmOnlyIds: string[];
}

/**
 * Changes records the way the apps would (new values, modified-on now), spread evenly over the table:
 * ERP customers get a new name or city, CRM accounts a new city; the first `conflicts` ERP records
 * are also renamed, differently, in the CRM. Returns which records it changed.
 */
export function applyChanges(paths: BenchPaths, set: CoupledSet, changes: ChangeSet): ChangedRecords {
  const records = set.accountIds.length;
  const stride = Math.floor(records / Math.max(changes.local, changes.integration));
  let stamp = Math.max(Date.now(), set.lastSeededMs + 1);
  const next = () => stamp++;

  const changed: ChangedRecords = { erpIds: [], crmOnlyIds: [] };
  const erp = openApp(paths.erp);
  const crm = openApp(paths.crm);
  try {
    const erpUpdate = erp.prepare('update customer set name = ?, modified_at = ? where id = ?');
    const crmRename = crm.prepare('update account set name = ?, modifiedon = ? where accountid = ?');
    const crmMove = crm.prepare('update account set address1_city = ?, modifiedon = ? where accountid = ?');
    erp.exec('begin immediate');
    crm.exec('begin immediate');
    for (let k = 0; k < changes.local; k++) {
      const id = 1 + k * stride;
      erpUpdate.run([`ERP rename ${id}`, isoMs(next()), id]);
      changed.erpIds.push(String(id));
      if (k < changes.conflicts) crmRename.run([`CRM rename ${id}`, next(), set.accountIds[id - 1]]);
    }
    // The CRM-only changes sit between the ERP ones, so they touch other records.
    for (let k = changes.conflicts; k < changes.integration; k++) {
      const id = 1 + k * stride + Math.floor(stride / 2);
      crmMove.run([`Moved ${id}`, next(), set.accountIds[id - 1]]);
      changed.crmOnlyIds.push(set.accountIds[id - 1]!);
    }
    erp.exec('commit');
    crm.exec('commit');
    return changed;
  } finally {
    erp.close();
    crm.close();
  }
}

/**
 * A deletion scan is due every `deletionScanSeconds` (300 s); seeding a million rows takes a while, so
 * mark the scan as just done right before the job, which then measures change sync only.
 */
export function markDeletionScanDone(storePath: string): void {
  const store = new Database(storePath);
  try {
    store.prepare('update sync_checkpoint set deletion_scan_at = ?').run([Date.now()]);
  } finally {
    store.close();
  }
}

/** The sanity figures the scenario prints next to its timings. */
export function openErrorCount(storePath: string): number {
  const store = new Database(storePath);
  try {
    const [row] = store.prepare("select count(*) as n from sync_error where status = 'OPEN'").all([]) as Array<{
      n: number;
    }>;
    return Number(row?.n ?? 0);
  } finally {
    store.close();
  }
}
