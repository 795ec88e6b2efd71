import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type TandemProcess } from './cluster.js';

/**
 * Redis stopped and started while Tandem runs (issue 12): the API keeps answering, `/readyz` says not
 * ready while Redis is away and ready again once it is back, jobs asked for meanwhile run and nothing is
 * lost. A Redis server of the test's own, on a free port, so stopping it disturbs nothing else.
 */
let cluster: Cluster;
let api: TandemProcess;
let redis: ChildProcess | null = null;
let port = 0;
const RECORDS = 20_000;

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await until(
    'redis to listen',
    () => accepts(port),
    (open) => open,
  );
}

async function stopRedis(): Promise<void> {
  const child = redis!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  redis = null;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const readyz = async (process: TandemProcess) => {
  const response = await fetch(`${process.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  cluster = await Cluster.create({ customers: RECORDS, redisUrl: `redis://127.0.0.1:${port}` });
  api = await cluster.start('api');
  await cluster.start('worker');
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  if (redis) await stopRedis();
});

interface JobRow {
  id: number;
  status: string;
  processed: number;
  message: string | null;
}

const jobs = () => cluster.store<JobRow>('select id, status, processed, message from sync_job order by id');

async function runSync(): Promise<Record<string, unknown>> {
  const { tableMappings } = await cluster.gql<{ tableMappings: { id: string }[] }>(api, '{ tableMappings { id } }');
  const { runSync } = await cluster.gql<{ runSync: Record<string, unknown> }>(
    api,
    `mutation { runSync(mappingId: "${tableMappings[0]!.id}", full: true) { __typename ... on Error { code message } } }`,
  );
  return runSync;
}

describe('Redis going away in the middle of a job, and coming back', () => {
  it('keeps the API answering, refuses new jobs clearly, says not ready, and resumes with nothing lost', async () => {
    expect((await readyz(api)).status).toBe(200);
    expect(await runSync()).toEqual({ __typename: 'RunSyncPayload' });
    await until('the job to run', jobs, (rows) => rows.some((row) => row.status === 'RUNNING' && row.processed > 0));
    await stopRedis();

    const away = await until(
      'readyz to notice',
      () => readyz(api),
      (state) => state.status === 503,
    );
    expect(away.body).toMatchObject({ status: 'unavailable', store: true, redis: false });
    // Reads go on; a new job is refused with a reason, and nothing is stored for it.
    const { tableMappings } = await cluster.gql<{ tableMappings: { name: string }[] }>(
      api,
      '{ tableMappings { name } }',
    );
    expect(tableMappings.map((mapping) => mapping.name)).toEqual(['customers_1']);
    const before = (await jobs()).length;
    expect(await runSync()).toMatchObject({ __typename: 'BaseError', code: 'QUEUE_UNAVAILABLE' });
    expect((await jobs()).length).toBe(before);

    await startRedis();
    const back = await until(
      'readyz to recover',
      () => readyz(api),
      (state) => state.status === 200,
      60_000,
    );
    expect(back.body).toEqual({ status: 'ready', store: true, redis: true });
    // Whatever was running or waiting ends; a new run after that finds everything in place.
    await until(
      'the jobs to end',
      jobs,
      (rows) => rows.every((row) => !['RUNNING', 'QUEUED'].includes(row.status)),
      120_000,
    );
    expect(await runSync()).toEqual({ __typename: 'RunSyncPayload' });
    const last = await until(
      'the last run to end',
      jobs,
      (rows) => !['RUNNING', 'QUEUED'].includes(rows.at(-1)!.status),
      120_000,
    );
    expect(last.at(-1)!.status).toBe('SUCCEEDED');
    for (const row of last)
      expect(
        ['SUCCEEDED', 'FAILED'].includes(row.status) &&
          (row.status === 'SUCCEEDED' || /interrupted/.test(row.message ?? '')),
      ).toBe(true);
    const [crm] = await cluster.apps<Record<string, unknown>>(
      'select count(*) as rows, count(distinct erp_id) as keys from account_1',
    );
    expect({ rows: Number(crm!.rows), keys: Number(crm!.keys) }).toEqual({ rows: RECORDS, keys: RECORDS });
  }, 300_000);
});
