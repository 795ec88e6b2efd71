import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchLine, note, quantile } from '@tandem/sync-core/bench-kit';
import autocannon from 'autocannon';
import Database from 'libsql';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const CLIENTS = 10;

const ERRORS_QUERY = JSON.stringify({
  query: `{ syncErrors(filter: { statuses: [OPEN] }, first: 50) {
    totalCount edges { node { id kind status message occurredAt mapping { name } } } } }`,
});

/** Two SQLite apps: an ERP with RECORDS customers, an empty CRM; and a config that couples them. */
function seedApps(dir: string): string {
  const erp = new Database(join(dir, 'erp.sqlite'));
  erp.exec(`pragma journal_mode = WAL;
    create table customer (id integer primary key, name text not null, email text, city text, modified_at text not null);`);
  const insert = erp.prepare('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)');
  const at = new Date(Date.now() - 60_000).toISOString();
  erp.exec('begin');
  for (let i = 1; i <= RECORDS; i++) insert.run([`Customer ${i}`, `c${i}@example.com`, 'Oslo', at]);
  erp.exec('commit');
  erp.close();
  const crm = new Database(join(dir, 'crm.sqlite'));
  crm.exec(`pragma journal_mode = WAL;
    create table account (accountid text primary key, name text, emailaddress1 text, address1_city text,
      erp_id text unique, modifiedon integer not null);`);
  crm.close();
  const config = {
    database: { url: `sqlite:${join(dir, 'tandem.sqlite')}` },
    server: { port: 0, host: '127.0.0.1' },
    // The load generator's clients share the admin key and far exceed a person's rate.
    limits: { requestsPerMinutePerKey: 1_000_000_000, subscriptionsPerKey: 1_000 },
    connectors: {
      erp: { type: 'sql', url: `sqlite:${join(dir, 'erp.sqlite')}` },
      crm: { type: 'sql', url: `sqlite:${join(dir, 'crm.sqlite')}` },
    },
    mappings: [
      {
        name: 'customers',
        local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
        integration: {
          connector: 'crm',
          table: 'account',
          id: 'accountid',
          modifiedOn: 'modifiedon',
          externalKey: 'erp_id',
        },
        direction: 'TO_INTEGRATION',
        fields: [
          { local: 'name', integration: 'name' },
          { local: 'email', integration: 'emailaddress1' },
          { local: 'city', integration: 'address1_city' },
        ],
      },
    ],
  };
  const path = join(dir, 'tandem.config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Job threads `tandem start` starts with the default `jobs.concurrency`. */
const JOB_THREADS = 2;

/** `tandem start` in its own process, as a user runs it; resolves with its URL and the printed admin key. */
async function startTandem(config: string, env: Record<string, string>) {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  // BENCH_SERVER_NODE_ARGS passes Node flags to the server only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
  // to see what holds its thread (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', cli, 'start', '--config', config],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production', ...env },
    },
  );
  const lines = createInterface({ input: child.stdout! });
  let key = '';
  let threadsStarted = 0;
  lines.on('line', (line) => {
    if (line.includes('job thread started')) threadsStarted++;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`tandem start exited with ${code}`)));
    lines.on('line', (line) => {
      const keyMatch = /^Admin API key: (\S+)/.exec(line);
      if (keyMatch) key = keyMatch[1]!;
      const urlMatch = /^GraphQL API: (\S+)\/graphql/.exec(line);
      if (urlMatch) resolve(urlMatch[1]!);
    });
  });
  // `tandem start` starts its job threads in the background (jobs.concurrency, 2 by default): the idle
  // window must not measure their start-up. Inline there are none to wait for.
  if (env.TANDEM_JOB_THREADS === 'true') {
    const deadline = Date.now() + 60_000;
    while (threadsStarted < JOB_THREADS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    key,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function gql(url: string, key: string, query: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** /healthz one request after another until `stop` says so: every latency, in ms. */
async function probeHealth(url: string, stop: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!stop()) {
    const started = performance.now();
    // A server whose thread is held for seconds may drop the kept-alive connection meanwhile (ECONNRESET):
    // that probe counts as waiting until the drop, and the next one asks again on a new connection.
    await fetch(`${url}/healthz`)
      .then((response) => response.text())
      .catch(() => undefined);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return latencies;
}

/** The errors-page query from CLIENTS clients for `ms`: its p99. */
async function errorsLoad(url: string, key: string, ms: number): Promise<{ p50: number; p99: number }> {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: ERRORS_QUERY,
    connections: CLIENTS,
    duration: ms / 1000,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return { p50: result.latency.p50, p99: result.latency.p99 };
}

/** The newest job's status; 'UNKNOWN' when a held server dropped the connection (the watcher asks again). */
async function jobStatus(url: string, key: string): Promise<string> {
  const data = (await gql(url, key, '{ syncJobs(first: 1) { edges { node { status } } } }').catch(() => null)) as {
    syncJobs: { edges: { node: { status: string } }[] };
  } | null;
  if (!data) return 'UNKNOWN';
  return data.syncJobs.edges[0]?.node.status ?? 'NONE';
}

/** One measurement: idle, then while a full sync of RECORDS runs. */
async function measure(threads: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-during-'));
  try {
    const config = seedApps(dir);
    const tandem = await startTandem(config, {
      TANDEM_JOB_THREADS: threads ? 'true' : 'false',
    });
    try {
      let idleDone = false;
      const idleHealth = probeHealth(tandem.url, () => idleDone);
      const idle = await errorsLoad(tandem.url, tandem.key, 3_000);
      idleDone = true;
      const idleHealthMs = await idleHealth;

      const started = performance.now();
      const mappings = (await gql(tandem.url, tandem.key, '{ tableMappings { id } }')) as {
        tableMappings: { id: string }[];
      };
      const id = mappings.tableMappings[0]!.id;
      await gql(tandem.url, tandem.key, `mutation { runSync(mappingId: "${id}", full: true) { __typename } }`);
      let finished = false;
      const duringHealth = probeHealth(tandem.url, () => finished);
      const watcher = (async () => {
        while (!['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(await jobStatus(tandem.url, tandem.key))) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        finished = true;
      })();
      const during = await errorsLoad(tandem.url, tandem.key, 3_000);
      await watcher;
      const jobMs = performance.now() - started;
      const healthDuring = await duringHealth;
      return {
        idle,
        during,
        idleHealthMax: Math.max(...idleHealthMs),
        healthMax: Math.max(...healthDuring),
        healthP99: quantile(healthDuring, 0.99),
        jobMs,
        status: await jobStatus(tandem.url, tandem.key),
      };
    } finally {
      await tandem.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * BENCH api-during-sync: `/healthz` and the errors-page query while a RECORDS-record initial sync runs,
 * against the same server idle, in the same run. errors_p99_ratio = p99 during / p99 idle (target ≤ 3);
 * healthz_max_ms = the slowest /healthz answer during the job (target ≤ 250). Then the same with the job
 * on the API's own thread (TANDEM_JOB_THREADS=false), printed as inline_* for comparison.
 */
export async function apiDuringSync(): Promise<string> {
  const threaded = await measure(true);
  note(
    `threads: idle p99 ${threaded.idle.p99} ms, during p99 ${threaded.during.p99} ms; /healthz max ${Math.round(threaded.healthMax)} ms (idle ${Math.round(threaded.idleHealthMax)}); job ${Math.round(threaded.jobMs)} ms ${threaded.status}`,
  );
  const inline = await measure(false);
  note(
    `inline: idle p99 ${inline.idle.p99} ms, during p99 ${inline.during.p99} ms; /healthz max ${Math.round(inline.healthMax)} ms; job ${Math.round(inline.jobMs)} ms ${inline.status}`,
  );
  return benchLine('api-during-sync', {
    errors_p99_ratio: threaded.during.p99 / Math.max(1, threaded.idle.p99),
    healthz_max_ms: Math.round(threaded.healthMax),
    healthz_p99_ms: Math.round(threaded.healthP99),
    job_ms: Math.round(threaded.jobMs),
    inline_errors_p99_ratio: inline.during.p99 / Math.max(1, inline.idle.p99),
    inline_healthz_max_ms: Math.round(inline.healthMax),
    inline_job_ms: Math.round(inline.jobMs),
    records: RECORDS,
  });
}
