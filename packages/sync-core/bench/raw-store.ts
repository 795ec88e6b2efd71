import Database from 'libsql';
import { flattenRows, placeholders, tupleList } from '../src/db/sql-parts.js';

/**
 * The store's share of a sync done by hand, as a second floor beside the apps' (raw-incremental.ts,
 * the raw copy of initial-sync): the least that any engine keeping a coupling per record pair and a
 * log entry per synchronized record must write to a SQLite store — the same set-based statements the
 * engine's repositories use, with none of its decisions, objects or checks.
 *
 * What it answers: on one thread, SQLite's statements run one after the other, so an engine's time is
 * at least the apps' floor plus this one. `bound_ratio = (app floor + store floor) / app floor` is the
 * best ratio such an engine can reach on the machine that runs the benchmark, before any cost of its own.
 */

type Store = InstanceType<typeof Database>;

/** Rows per statement and per transaction: the engine's batch size. */
const PAGE = 1000;

function openStore(path: string): Store {
  const store = new Database(path);
  // The store's own settings (db/sqlite-connection.ts), without checkpoints: the floor is the writes alone.
  store.exec('pragma synchronous = NORMAL; pragma cache_size = -8192; pragma wal_autocheckpoint = 0');
  return store;
}

const SYNC_STATE = [
  'id',
  'local_modified_us',
  'integration_modified_us',
  'local_values',
  'integration_values',
  'last_synced_at',
  'last_job_id',
] as const;
const LOG_COLUMNS = [
  'mapping_id',
  'coupling_id',
  'job_id',
  'local_id',
  'integration_id',
  'occurred_at',
  'direction',
  'action',
  'changes',
  'message',
  'actor',
] as const;
const ERROR_COLUMNS = [
  'mapping_id',
  'coupling_id',
  'job_id',
  'kind',
  'status',
  'message',
  'local_id',
  'integration_id',
  'occurred_at',
] as const;

interface CouplingFound {
  id: number;
  local_id: string;
  integration_id: string;
  local_values: string;
  integration_values: string;
}

/**
 * The store's work for `incremental`'s change set: the records `applyChanges` changed on each side and how
 * many of the ERP ones conflict. Small and plain, so that another process can run the store's floor from
 * it (overlap-floor.ts).
 */
export interface StoreChangePlan {
  mappingId: number;
  /** ERP ids changed on the ERP side; the first `conflicts` of them also changed in the CRM. */
  erpChanged: string[];
  conflicts: number;
  /** CRM account ids changed on the CRM side only. */
  crmOnly: string[];
}

/**
 * `incremental`'s change set, store side: per page of 1,000 changed records, the couplings looked up by
 * the changed records' ids, then in one transaction the synchronized couplings' new state (one UPDATE …
 * FROM VALUES), one log entry per synchronized record, and for the conflicting records an error and the
 * coupling parked. The records the job wrote itself and reads back are skipped without a lookup.
 */
export function storeByHand(path: string, plan: StoreChangePlan): { ms: number; logged: number } {
  const store = openStore(path);
  try {
    const { mappingId, erpChanged, crmOnly } = plan;
    const conflicting = new Set(erpChanged.slice(0, plan.conflicts));

    const started = performance.now();
    const now = Date.now();
    let logged = 0;
    const pass = (column: 'local_id' | 'integration_id', ids: string[], changedField: string) => {
      for (let from = 0; from < ids.length; from += PAGE) {
        const page = ids.slice(from, from + PAGE);
        const found = store
          .prepare(`select * from coupling where mapping_id = ? and ${column} in (${placeholders(page.length)})`)
          .all([mappingId, ...page]) as CouplingFound[];
        const synced: unknown[][] = [];
        const logs: unknown[][] = [];
        const errors: unknown[][] = [];
        const parked: number[] = [];
        for (const coupling of found) {
          if (conflicting.has(coupling.local_id)) {
            if (column === 'local_id') {
              parked.push(coupling.id);
              errors.push([
                mappingId,
                coupling.id,
                1,
                'UPDATE_CONFLICT',
                'OPEN',
                'both sides changed',
                coupling.local_id,
                coupling.integration_id,
                now,
              ]);
            }
            continue;
          }
          const local = JSON.parse(coupling.local_values) as Record<string, unknown>;
          const integration = JSON.parse(coupling.integration_values) as Record<string, unknown>;
          local[changedField === 'name' ? 'name' : 'city'] = `changed ${coupling.id}`;
          integration[changedField === 'name' ? 'name' : 'address1_city'] = `changed ${coupling.id}`;
          synced.push([
            coupling.id,
            now * 1000,
            now * 1000,
            JSON.stringify(local),
            JSON.stringify(integration),
            now,
            1,
          ]);
          const change = JSON.stringify([{ side: 'INTEGRATION', field: changedField, before: 'old', after: 'new' }]);
          logs.push([
            mappingId,
            coupling.id,
            1,
            coupling.local_id,
            coupling.integration_id,
            now,
            'TO_INTEGRATION',
            'UPDATED',
            change,
            null,
            'job',
          ]);
        }
        store.exec('begin immediate');
        if (synced.length > 0) {
          store
            .prepare(
              `with v (${SYNC_STATE.join(', ')}) as (values ${tupleList(synced.length, placeholders(SYNC_STATE.length))}) ` +
                `update coupling set ${SYNC_STATE.slice(1)
                  .map((c) => `${c} = v.${c}`)
                  .join(', ')} from v where coupling.id = v.id`,
            )
            .run(flattenRows(synced));
        }
        if (logs.length > 0) {
          store
            .prepare(
              `insert into sync_log_entry (${LOG_COLUMNS.join(', ')}) values ${tupleList(logs.length, placeholders(LOG_COLUMNS.length))}`,
            )
            .run(flattenRows(logs));
          logged += logs.length;
        }
        if (errors.length > 0) {
          store
            .prepare(
              `insert into sync_error (${ERROR_COLUMNS.join(', ')}) values ${tupleList(errors.length, placeholders(ERROR_COLUMNS.length))}`,
            )
            .run(flattenRows(errors));
          store.prepare(`update coupling set parked = 1 where id in (${placeholders(parked.length)})`).run(parked);
        }
        store.exec('commit');
      }
    };
    pass('local_id', erpChanged, 'name');
    pass('integration_id', crmOnly, 'address1_city');
    return { ms: performance.now() - started, logged };
  } finally {
    store.close();
  }
}

/**
 * `initial-sync`, store side: a coupling and a log entry for each of the records copied, written as the
 * engine's batches write them — 500-row INSERTs, one transaction per 5,000 records — into the fresh store
 * the job would start from.
 */
export function storeByHandInitial(path: string, mappingId: number, pairs: ReadonlyArray<[string, string]>): number {
  const store = openStore(path);
  try {
    const started = performance.now();
    const now = Date.now();
    const couplingColumns = [
      'mapping_id',
      'local_id',
      'integration_id',
      'state',
      'local_modified_us',
      'integration_modified_us',
      'local_values',
      'integration_values',
      'created_at',
      'last_synced_at',
      'last_job_id',
    ];
    for (let from = 0; from < pairs.length; from += 5000) {
      store.exec('begin immediate');
      for (let at = from; at < Math.min(pairs.length, from + 5000); at += 500) {
        const part = pairs.slice(at, Math.min(at + 500, from + 5000));
        const values = JSON.stringify({ name: 'Customer', email: 'customer@example.com', city: 'Berlin' });
        const couplings = part.map(([local, integration]) => [
          mappingId,
          local,
          integration,
          'COUPLED',
          now * 1000,
          now * 1000,
          values,
          values,
          now,
          now,
          1,
        ]);
        const ids = store
          .prepare(
            `insert into coupling (${couplingColumns.join(', ')}) values ${tupleList(couplings.length, placeholders(couplingColumns.length))} returning id`,
          )
          .all(flattenRows(couplings)) as Array<{ id: number }>;
        const logs = part.map(([local, integration], i) => [
          mappingId,
          ids[i]!.id,
          1,
          local,
          integration,
          now,
          'TO_INTEGRATION',
          'INSERTED',
          values,
          null,
          'job',
        ]);
        store
          .prepare(
            `insert into sync_log_entry (${LOG_COLUMNS.join(', ')}) values ${tupleList(logs.length, placeholders(LOG_COLUMNS.length))}`,
          )
          .run(flattenRows(logs));
      }
      store.exec('commit');
    }
    return performance.now() - started;
  } finally {
    store.close();
  }
}
