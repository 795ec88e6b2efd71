import { join } from 'node:path';
import Database from 'libsql';
import { plainRow, plainRows } from './demo-db';

type Db = InstanceType<typeof Database>;

/** Tandem's own store (`<dataDir>/tandem.sqlite`), read only: what an action left behind. */
export interface Store {
  db: Db;
  close(): void;
}

export function openStore(dataDir: string): Store {
  const db = new Database(join(dataDir, 'tandem.sqlite'), { readonly: true });
  db.exec('pragma busy_timeout = 20000');
  return { db, close: () => db.close() };
}

/** One row (or undefined) / all rows of a query, as plain values. */
export function one<T>(store: Store, sql: string, ...params: unknown[]): T | undefined {
  return plainRow<T>(store.db.prepare(sql).get(...params));
}

export function many<T>(store: Store, sql: string, ...params: unknown[]): T[] {
  return plainRows<T>(store.db.prepare(sql).all(...params));
}

export interface StoredError {
  id: number;
  mapping_id: number;
  coupling_id: number | null;
  job_id: number | null;
  kind: string;
  status: string;
  message: string;
  local_id: string | null;
  integration_id: string | null;
  occurred_at: number;
  resolution: string | null;
  resolved_by: string | null;
}

export interface StoredCoupling {
  id: number;
  mapping_id: number;
  local_id: string | null;
  integration_id: string | null;
  state: string;
  parked: number;
  retry_requested: number;
  failure_count: number;
  last_job_id: number | null;
}

export interface StoredLogEntry {
  id: number;
  coupling_id: number | null;
  job_id: number | null;
  local_id: string | null;
  integration_id: string | null;
  action: string;
  message: string | null;
  actor: string;
  occurred_at: number;
}

const ERROR_COLUMNS =
  'id, mapping_id, coupling_id, job_id, kind, status, message, local_id, integration_id, occurred_at, resolution, resolved_by';

export function storedError(store: Store, id: number): StoredError | undefined {
  return one<StoredError>(store, `select ${ERROR_COLUMNS} from sync_error where id = ?`, id);
}

/** Every error ever opened for a coupling, oldest first. */
export function errorsOfCoupling(store: Store, couplingId: number): StoredError[] {
  return many<StoredError>(
    store,
    `select ${ERROR_COLUMNS} from sync_error where coupling_id = ? order by id`,
    couplingId,
  );
}

export function couplingById(store: Store, id: number): StoredCoupling | undefined {
  return one<StoredCoupling>(
    store,
    'select id, mapping_id, local_id, integration_id, state, parked, retry_requested, failure_count, last_job_id from coupling where id = ?',
    id,
  );
}

export function couplingOfLocal(store: Store, mappingId: number, localId: string): StoredCoupling | undefined {
  return one<StoredCoupling>(
    store,
    'select id, mapping_id, local_id, integration_id, state, parked, retry_requested, failure_count, last_job_id from coupling where mapping_id = ? and local_id = ?',
    mappingId,
    localId,
  );
}

/** A coupling's log, oldest first; `since` (epoch ms) leaves out what happened before. */
export function logOfCoupling(store: Store, couplingId: number, since = 0): StoredLogEntry[] {
  return many<StoredLogEntry>(
    store,
    'select id, coupling_id, job_id, local_id, integration_id, action, message, actor, occurred_at from sync_log_entry where coupling_id = ? and occurred_at >= ? order by id',
    couplingId,
    since,
  );
}

export function jobStatus(store: Store, jobId: number): string | undefined {
  return one<{ status: string }>(store, 'select status from sync_job where id = ?', jobId)?.status;
}

/** Everything about an error and its coupling that an action on *another* error must leave as it was. */
export function snapshotOf(store: Store, errorId: number): unknown {
  const error = storedError(store, errorId);
  return { error, coupling: error?.coupling_id ? couplingById(store, error.coupling_id) : null };
}

export function openErrorOfCoupling(store: Store, couplingId: number): StoredError | undefined {
  return one<StoredError>(
    store,
    `select ${ERROR_COLUMNS} from sync_error where coupling_id = ? and status = 'OPEN'`,
    couplingId,
  );
}

/** Jobs of a mapping queued since `since` (epoch ms) by this trigger, oldest first. */
export function jobsSince(
  store: Store,
  mappingId: number,
  trigger: string,
  since: number,
): { id: number; status: string }[] {
  return many<{ id: number; status: string }>(
    store,
    'select id, status from sync_job where mapping_id = ? and trigger = ? and queued_at >= ? order by id',
    mappingId,
    trigger,
    since,
  );
}
