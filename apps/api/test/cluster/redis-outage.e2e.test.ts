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
  cluster = await Cluster.create({ customers: 500, redisUrl: `redis://127.0.0.1:${port}` });
  api = await cluster.start('api');
  await cluster.start('worker');
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  if (redis) await stopRedis();
});

describe('Redis going away and coming back', () => {
  it('keeps the API answering, says not ready while it is away, runs jobs, and is ready again after', async () => {
    expect((await readyz(api)).status).toBe(200);
    await stopRedis();

    const away = await until(
      'readyz to notice',
      () => readyz(api),
      (state) => state.status === 503,
    );
    expect(away.body).toMatchObject({ status: 'unavailable', store: true, redis: false });
    // Queries and mutations go on: a job asked for now is queued in the store and run by the worker.
    const { tableMappings } = await cluster.gql<{ tableMappings: { id: string; name: string }[] }>(
      api,
      '{ tableMappings { id name } }',
    );
    expect(tableMappings.map((mapping) => mapping.name)).toEqual(['customers_1']);
    await cluster.gql(api, `mutation { runSync(mappingId: "${tableMappings[0]!.id}") { __typename } }`);
    const job = await until(
      'the job to finish while Redis is away',
      async () =>
        (
          await cluster.store<{ status: string; inserted: number }>(
            'select status, inserted from sync_job order by id desc limit 1',
          )
        )[0],
      (row) => row !== undefined && ['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(row.status),
    );
    expect(job).toMatchObject({ status: 'SUCCEEDED' });
    expect(Number(job!.inserted)).toBe(500);

    await startRedis();
    const back = await until(
      'readyz to recover',
      () => readyz(api),
      (state) => state.status === 200,
      60_000,
    );
    expect(back.body).toEqual({ status: 'ready', store: true, redis: true });
    const [{ n }] = await cluster.apps<{ n: string }>('select count(*) as n from account_1');
    expect(Number(n)).toBe(500);
  }, 180_000);
});
