import { benchLine, note } from '@tandem/sync-core/bench-kit';
// The deployment harness of the cluster tests: PostgreSQL store and apps, Redis, `tandem start` processes.
import { Cluster } from '../test/cluster/cluster.js';

const MAPPINGS = 20;
const CUSTOMERS = Number(process.env.BENCH_SCALE_OUT_CUSTOMERS ?? 2_000);

/**
 * BENCH scale-out (issue 12): 20 mappings, each with a first job to run (CUSTOMERS new ERP records to copy
 * to the CRM), on one worker process and then on two, in the same run; throughput_ratio = the one-worker
 * time / the two-worker time. Target ≥ 1.5.
 *
 * The apps are PostgreSQL databases, so a job's time is mostly waiting on the apps and the store (round
 * trips), not the worker's CPU: that is the kind of work a second process can add throughput to on a
 * two-core machine. Each deployment is fresh (its own databases, Redis prefix, key) and has one API
 * process that queues the jobs; workers run the default two jobs at once.
 */
export async function scaleOut(): Promise<string> {
  const one = await timeAllJobs(1);
  note(`1 worker: ${MAPPINGS} jobs in ${Math.round(one)} ms`);
  const two = await timeAllJobs(2);
  note(`2 workers: ${MAPPINGS} jobs in ${Math.round(two)} ms`);
  return benchLine('scale-out', {
    one_worker_ms: Math.round(one),
    two_workers_ms: Math.round(two),
    throughput_ratio: one / two,
    mappings: MAPPINGS,
    records_per_job: CUSTOMERS,
  });
}

/** Milliseconds from queueing every mapping's job to the last one finished, on `workers` worker processes. */
async function timeAllJobs(workers: number): Promise<number> {
  const cluster = await Cluster.create({ customers: CUSTOMERS, mappings: MAPPINGS });
  try {
    const api = await cluster.start('api');
    await Promise.all(Array.from({ length: workers }, () => cluster.start('worker')));
    const { tableMappings } = await cluster.gql<{ tableMappings: Array<{ id: string }> }>(
      api,
      '{ tableMappings { id } }',
    );
    const started = performance.now();
    for (const mapping of tableMappings) {
      const { runSync } = await cluster.gql<{ runSync: { __typename: string } }>(
        api,
        `mutation($id: ID!) { runSync(mappingId: $id) { __typename } }`,
        { id: mapping.id },
      );
      if (runSync.__typename.endsWith('Error')) throw new Error(`runSync refused: ${runSync.__typename}`);
    }
    for (;;) {
      const [row] = await cluster.store<{ done: string; bad: string }>(
        `select count(*) filter (where finished_at is not null) as done,
                count(*) filter (where status not in ('QUEUED', 'RUNNING', 'SUCCEEDED')) as bad from sync_job`,
      );
      if (Number(row!.bad) > 0) throw new Error(`${row!.bad} jobs did not succeed`);
      if (Number(row!.done) >= MAPPINGS) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsed = performance.now() - started;
    const [{ n }] = await cluster.apps<{ n: string }>(
      Array.from({ length: MAPPINGS }, (_, m) => `select count(*) as n from account_${m + 1}`).join(' union all ') +
        ' order by 1 limit 1',
    );
    if (Number(n) !== CUSTOMERS) throw new Error(`a CRM table holds ${n} records, not ${CUSTOMERS}`);
    return elapsed;
  } finally {
    await cluster.close();
  }
}
