import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tandem } from '../cli-process.js';
import { Cluster, type TandemProcess } from './cluster.js';

/**
 * Tandem on many processes (issue 12): two API processes and two workers on one PostgreSQL store and
 * one Redis. A job asked for through one API process runs on a worker, and a subscriber on the other API
 * process sees all of it.
 */
let cluster: Cluster;
let api1: TandemProcess;
let api2: TandemProcess;
let workers: TandemProcess[];

beforeAll(async () => {
  cluster = await Cluster.create({ customers: 3_000 });
  [api1, api2, ...workers] = await Promise.all([
    cluster.start('api'),
    cluster.start('api'),
    cluster.start('worker'),
    cluster.start('worker'),
  ]);
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

type JobEvent = { id: string; status: string; processed: number; inserted: number };

describe('process roles', () => {
  it('a subscriber on one API process receives every change of a job queued on another and run by a worker', async () => {
    const client = createSseClient({
      url: `${api1.url}/graphql`,
      headers: { authorization: `Bearer ${cluster.adminKey}` },
      retryAttempts: 0,
    });
    const events: JobEvent[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      client.subscribe<{ syncJobChanged: JobEvent }>(
        { query: 'subscription { syncJobChanged { id status processed inserted } }' },
        {
          next: ({ data }) => {
            if (!data) return;
            events.push(data.syncJobChanged);
            if (['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(data.syncJobChanged.status)) resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    // Let the subscription reach Redis before the job starts.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { tableMappings } = await cluster.gql<{ tableMappings: { id: string }[] }>(api2, '{ tableMappings { id } }');
    await cluster.gql(api2, `mutation { runSync(mappingId: "${tableMappings[0]!.id}", full: true) { __typename } }`);
    await finished;
    client.dispose();

    const [row] = await cluster.store<{ id: number; status: string; worker_id: string; inserted: number }>(
      'select id, status, worker_id, inserted from sync_job order by id desc limit 1',
    );
    expect(row).toMatchObject({ status: 'SUCCEEDED', inserted: 3_000 });
    // Run by a worker process, not by either API process.
    const workerPids = workers.map((worker) => String(worker.child.pid));
    expect(workerPids.some((pid) => row!.worker_id.includes(`-${pid}-`))).toBe(true);
    // Every status the job went through, from one API process's queueing to another's subscriber.
    const statuses = events.map((event) => event.status);
    expect(statuses[0]).toBe('QUEUED');
    expect(statuses).toContain('RUNNING');
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(events.at(-1)!.inserted).toBe(3_000);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set([String(events[0]!.id)]));
    const [{ n }] = await cluster.apps<{ n: string }>('select count(*) as n from account_1');
    expect(Number(n)).toBe(3_000);
  });

  it('a worker serves health only, and says whether Redis and the store answer', async () => {
    const ready = await fetch(`${workers[0]!.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: true, redis: true });
    expect((await fetch(`${workers[0]!.url}/graphql`, { method: 'POST' })).status).toBe(404);
    const apiReady = (await (await fetch(`${api1.url}/readyz`)).json()) as Record<string, unknown>;
    expect(apiReady).toEqual({ status: 'ready', store: true, redis: true });
    // Its /metrics, to an ADMIN key only: the job of the first test ran on one of the two workers.
    expect((await fetch(`${workers[0]!.url}/metrics`)).status).toBe(401);
    const pages = await Promise.all(
      workers.map(async (worker) => {
        const response = await fetch(`${worker.url}/metrics`, {
          headers: { authorization: `Bearer ${cluster.adminKey}` },
        });
        expect(response.status).toBe(200);
        return response.text();
      }),
    );
    const succeeded = pages.map((page) =>
      Number(/tandem_sync_jobs_total\{[^}]*status="SUCCEEDED"[^}]*\} (\d+)/.exec(page)?.[1] ?? 0),
    );
    expect(succeeded.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('refuses split roles on a SQLite store and without Redis, naming --role', async () => {
    // A folder without a config file: the default SQLite store.
    const dir = mkdtempSync(join(tmpdir(), 'tandem-role-'));
    const sqlite = await tandem(dir, ['start', '--role', 'worker', '--no-demo']);
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toMatch(/--role: role worker .*PostgreSQL/);
    const wrong = await tandem(dir, ['start', '--role', 'boss', '--config', cluster.configPath]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--role: "boss" is not a role/);
    rmSync(dir, { recursive: true, force: true });
  });
});
