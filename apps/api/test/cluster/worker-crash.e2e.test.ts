import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type TandemProcess } from './cluster.js';

/**
 * A worker killed (SIGKILL: no cleanup at all) in the middle of a 20,000-record initial sync, at three
 * different points of three mappings: the job ends FAILED "interrupted" once its lease runs out, the
 * other worker runs the mapping again, and afterwards both apps and the store hold every record exactly
 * once — no duplicate, none lost, no duplicate coupling.
 */
const RECORDS = 20_000;
const LEASE_SECONDS = 4;

let cluster: Cluster;
let api: TandemProcess;

beforeAll(async () => {
  cluster = await Cluster.create({ customers: RECORDS, mappings: 3, leaseSeconds: LEASE_SECONDS });
  api = await cluster.start('api');
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

interface JobRow {
  id: number;
  status: string;
  worker_id: string | null;
  processed: number;
  message: string | null;
}

/** Counts come back as numbers or numeric strings depending on the driver: compare them as numbers. */
function numbers(row: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

async function job(id: number): Promise<JobRow> {
  const [row] = await cluster.store<JobRow>(
    'select id, status, worker_id, processed, message from sync_job where id = ?',
    [id],
  );
  return row!;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runSync(mappingName: string): Promise<number> {
  const { tableMappings } = await cluster.gql<{ tableMappings: { id: string; name: string }[] }>(
    api,
    '{ tableMappings { id name } }',
  );
  const id = tableMappings.find((mapping) => mapping.name === mappingName)!.id;
  const { runSync } = await cluster.gql<{ runSync: { job: { id: string } } }>(
    api,
    `mutation { runSync(mappingId: "${id}", full: true) { ... on RunSyncPayload { job { id } } } }`,
  );
  return Number(Buffer.from(runSync.job.id, 'base64').toString('utf8').split(':')[1]);
}

describe('a worker killed in the middle of an initial sync', () => {
  it.each([
    [0, 0.15],
    [1, 0.5],
    [2, 0.85],
  ])(
    'mapping %i, killed at %f of the records: interrupted, re-run by the other worker, nothing doubled or lost',
    async (index, share) => {
      const workers = await Promise.all([cluster.start('worker'), cluster.start('worker')]);
      try {
        const name = cluster.mappingName(index);
        const first = await runSync(name);
        const running = await until(
          'the job to get going',
          () => job(first),
          (row) => row.processed >= share * RECORDS || (row.status !== 'RUNNING' && row.status !== 'QUEUED'),
        );
        expect(running.status).toBe('RUNNING');
        const victim = workers.find((worker) => running.worker_id?.includes(`-${worker.child.pid}-`))!;
        const survivor = workers.find((worker) => worker !== victim)!;
        await victim.kill();

        const interrupted = await until(
          'the job to be found interrupted',
          () => job(first),
          (row) => row.status !== 'RUNNING',
        );
        expect(interrupted.status).toBe('FAILED');
        expect(interrupted.message).toMatch(/interrupted/);

        const second = await runSync(name);
        const rerun = await until(
          'the re-run to end',
          () => job(second),
          (row) => ['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(row.status),
        );
        expect(rerun.status).toBe('SUCCEEDED');
        expect(rerun.worker_id).toContain(`-${survivor.child.pid}-`);

        const n = index + 1;
        const [crm] = await cluster.apps<Record<string, unknown>>(
          `select count(*) as rows, count(distinct erp_id) as distinct_keys,
                (select count(*) from customer_${n} c
                  where not exists (select 1 from account_${n} a where a.erp_id = c.id::text)) as missing
         from account_${n}`,
        );
        expect(numbers(crm!)).toEqual({ rows: RECORDS, distinct_keys: RECORDS, missing: 0 });
        const [erp] = await cluster.apps<Record<string, unknown>>(`select count(*) as rows from customer_${n}`);
        expect(numbers(erp!)).toEqual({ rows: RECORDS });
        const [couplings] = await cluster.store<Record<string, unknown>>(
          `select count(*) as rows, count(distinct local_id) as locals, count(distinct integration_id) as integrations
         from coupling where mapping_id = (select id from table_mapping where name = ?) and state <> 'UNCOUPLED'`,
          [name],
        );
        expect(numbers(couplings!)).toEqual({ rows: RECORDS, locals: RECORDS, integrations: RECORDS });
      } finally {
        // Each case starts two fresh workers: the next one's job must not land on this case's survivor.
        await Promise.all(workers.map((worker) => (worker.child.exitCode === null ? worker.stop() : undefined)));
      }
    },
  );
});
