import Database from 'libsql';

/**
 * Bench fixture, shared by the API's and the console's errors benchmarks (`@tandem/sync-core/bench-errors-seed`):
 * a million sync errors written straight into a migrated store file. It imports nothing of sync-core's
 * code, only libsql, so that the console can use it without depending on the domain (the layer rule
 * bench-tooling-standalone in .dependency-cruiser.json); what it knows of the store is the `sync_error`
 * table's columns.
 */

export interface SeededErrors {
  /** The mapping the benchmark filters on, and the kind. */
  mappingId: number;
  kind: 'WRITE_FAILED';
  /** How many errors match mapping + kind. */
  matching: number;
}

/**
 * Fills a migrated store with `total` errors in one INSERT … SELECT over a recursive counter (an ORM
 * flush per row would take an hour). The mix is what a large installation looks like: 95% of errors on
 * one mapping, almost all of them one kind, a few resolved, several errors per millisecond (ties on
 * occurred_at, so the cursor's id tie-break is exercised), and 5% on a second mapping.
 */
export function seedErrors(storePath: string, mappingIds: [number, number], total: number): SeededErrors {
  const [main, other] = mappingIds;
  const db = new Database(storePath);
  db.exec('pragma journal_mode = WAL');
  const base = Date.now() - total;
  db.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into sync_error (mapping_id, coupling_id, job_id, kind, status, message, message_pattern,
                             local_id, integration_id, occurred_at)
     select case when i % 20 = 0 then ? else ? end, null, null,
            case when i % 20 = 0 then 'UPDATE_CONFLICT' when i % 100 = 1 then 'UPDATE_CONFLICT' else 'WRITE_FAILED' end,
            case when i % 50 = 3 then 'RESOLVED' else 'OPEN' end,
            'The app rejected the write: value too long for column "name" (record ' || i || ')',
            'The app rejected the write: value too long for column "name" (record <n>)',
            cast(i as text), 'crm-' || i, ? + i / 3
     from n`,
  ).run([total, other, main, base]);
  db.exec('analyze');
  const { n } = db
    .prepare(`select count(*) as n from sync_error where mapping_id = ? and kind = 'WRITE_FAILED'`)
    .get([main]) as { n: number };
  db.close();
  return { mappingId: main, kind: 'WRITE_FAILED', matching: Number(n) };
}
