import { connect } from 'node:net';
import { SYNC_ERROR_KINDS, type SyncJobSnapshot } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiMetrics } from '../../src/observability/metrics.js';
import { type ApiServer, startApiServer } from '../../src/server.js';
import { createApi } from '../../src/yoga.js';
import { runJob, startTestApi, type TestApi } from './helpers.js';

/** `/metrics` over a real port: who may read it, and that what it says matches the jobs and the store. */
const TOKEN = 'metrics-token-0123456789abcdef';

let api: TestApi;
let metrics: ApiMetrics;
let server: ApiServer;

beforeAll(async () => {
  api = await startTestApi();
  // No caching of the store's gauges here: each scrape must show the store as it is now.
  metrics = new ApiMetrics({ store: api.runtime.store, events: api.runtime.events, storeGaugesMaxAgeMs: 0 });
  const yoga = createApi(api.services, { metrics: { exporter: metrics, token: TOKEN } });
  server = await startApiServer(yoga, api.services, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  metrics?.close();
  await api?.close();
});

const scrape = (authorization?: string, path = '/metrics') =>
  fetch(`${server.url}${path}`, { headers: authorization ? { authorization } : {} });

async function page(): Promise<Sample[]> {
  const response = await scrape(`Bearer ${TOKEN}`);
  expect(response.status).toBe(200);
  return parse(await response.text());
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's samples (comments skipped); label order does not matter. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The one sample of a name whose labels include `labels`; undefined when there is none. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

/** Sends a request line exactly as written (fetch would normalise `//metrics`). */
function rawGet(target: string, authorization: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString('utf8');
    });
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), text: response }));
    socket.on('error', reject);
    socket.write(
      `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\nauthorization: ${authorization}\r\n\r\n`,
    );
  });
}

describe('/metrics access: the metrics token or an ADMIN key, nothing else', () => {
  it('refuses no key, a wrong token, a VIEWER and an OPERATOR key with 401 and no data', async () => {
    for (const authorization of [
      undefined,
      'Bearer not-the-token',
      `Bearer ${TOKEN}x`,
      TOKEN,
      `Bearer ${api.keys.VIEWER}`,
      `Bearer ${api.keys.OPERATOR}`,
    ]) {
      const response = await scrape(authorization);
      expect(response.status, String(authorization)).toBe(401);
      const body = await response.text();
      expect(body).not.toMatch(/tandem_|graphql_envelop|process_/);
      expect(JSON.parse(body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers the token and an ADMIN key in the Prometheus text format', async () => {
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer ${api.keys.ADMIN}`]) {
      const response = await scrape(authorization);
      expect(response.status, authorization).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await response.text();
      expect(body).toContain('# TYPE tandem_sync_errors_open gauge');
      expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
    }
  });

  it('is served at exactly /metrics: other spellings never answer metrics, even with the token', async () => {
    for (const path of [
      '/metrics/',
      '/metrics/x',
      '/Metrics',
      '/x/metrics',
      '//metrics',
      '/%6detrics',
      '/a/../metrics',
    ]) {
      const { status, text } = await rawGet(path, `Bearer ${TOKEN}`);
      expect(text, path).not.toMatch(/tandem_|process_cpu/);
      // A 200 is the console's page for a client route (when a console build is there), never metrics.
      if (status !== 404) expect(status === 200 && /<!doctype html>/i.test(text), `${path}: ${status}`).toBe(true);
    }
    for (const path of ['/metrics/', '/metrics/x'])
      expect((await rawGet(path, `Bearer ${TOKEN}`)).status, path).toBe(404);
    expect((await rawGet('/metrics?x=1', `Bearer ${TOKEN}`)).status).toBe(200);
  });
});

describe('/metrics content', () => {
  let job: SyncJobSnapshot;
  beforeAll(async () => {
    // The demo's items mapping has a product the CRM rejects: a PARTIAL job with inserts and a failure.
    job = await runJob(api, api.mappings.items!);
  });

  it('counts the job by mapping and final status, its records by counter, and its duration', async () => {
    const samples = await page();
    expect(job.inserted).toBeGreaterThan(0);
    expect(sampleValue(samples, 'tandem_sync_jobs_total', { mapping: 'items', status: job.status })).toBe(1);
    expect(sampleValue(samples, 'tandem_sync_jobs_total', { mapping: 'customers' })).toBeUndefined();
    for (const counter of ['inserted', 'modified', 'deleted', 'unchanged', 'skipped', 'failed', 'coupled'] as const) {
      const value = sampleValue(samples, 'tandem_sync_records_total', { mapping: 'items', counter });
      expect(value ?? 0, counter).toBe(job[counter]);
    }
    const labels = { mapping: 'items', status: job.status };
    expect(sampleValue(samples, 'tandem_sync_job_duration_seconds_count', labels)).toBe(1);
    const seconds = sampleValue(samples, 'tandem_sync_job_duration_seconds_sum', labels)!;
    expect(seconds).toBeCloseTo((job.finishedAt! - job.startedAt!) / 1000, 3);
    expect(sampleValue(samples, 'tandem_sync_job_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(1);
  });

  it('counts a job once, however often its end is announced', async () => {
    api.runtime.events.publish({ type: 'syncJobChanged', job: { ...job } });
    const samples = await page();
    expect(sampleValue(samples, 'tandem_sync_jobs_total', { mapping: 'items', status: job.status })).toBe(1);
  });

  it('exports open errors by kind and mapping as the store has them, zeros included', async () => {
    const rows = (await api.runtime.store
      .em()
      .getConnection()
      .execute(
        "select m.name as mapping, e.kind, count(*) as n from sync_error e join table_mapping m on m.id = e.mapping_id where e.status = 'OPEN' group by m.name, e.kind",
      )) as { mapping: string; kind: string; n: number }[];
    expect(rows.length).toBeGreaterThan(0);
    const samples = await page();
    for (const mapping of Object.keys(api.mappings)) {
      for (const kind of SYNC_ERROR_KINDS) {
        const stored = rows.find((row) => row.mapping === mapping && row.kind === kind);
        expect(sampleValue(samples, 'tandem_sync_errors_open', { mapping, kind }), `${mapping} ${kind}`).toBe(
          Number(stored?.n ?? 0),
        );
      }
    }
  });

  it('times GraphQL operations by type and name (yoga prometheus plugin)', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.keys.VIEWER}` },
      body: JSON.stringify({ query: 'query MetricsProbe { tableMappings { name } }' }),
    });
    expect(response.status).toBe(200);
    const samples = await page();
    const labels = { operationType: 'query', operationName: 'MetricsProbe' };
    expect(sampleValue(samples, 'graphql_envelop_request_duration_count', labels)).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_request_duration_sum', labels)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'graphql_envelop_request', labels)).toBe(1);
  });

  it('counts open subscriptions', async () => {
    expect(sampleValue(await page(), 'tandem_subscriptions_open')).toBe(0);
    const abort = new AbortController();
    const stream = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${api.keys.VIEWER}`,
      },
      body: JSON.stringify({ query: 'subscription { syncJobChanged { id } }' }),
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    const deadline = Date.now() + 5_000;
    while (sampleValue(await page(), 'tandem_subscriptions_open') !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sampleValue(await page(), 'tandem_subscriptions_open')).toBe(1);
    abort.abort();
  });

  it('exports the queue from the sync_job rows: waiting (QUEUED) and active (RUNNING) per mapping', async () => {
    // The queue stops taking jobs, so the rows written here stay as they are.
    await api.runtime.queue.close({ graceful: true });
    const before = await page();
    expect(sampleValue(before, 'tandem_queue_jobs', { mapping: 'contacts', state: 'waiting' })).toBe(0);
    expect(sampleValue(before, 'tandem_queue_jobs', { mapping: 'contacts', state: 'active' })).toBe(0);
    const connection = api.runtime.store.em().getConnection();
    const now = Date.now();
    for (const status of ['QUEUED', 'QUEUED', 'RUNNING']) {
      await connection.execute(
        'insert into sync_job (mapping_id, status, "trigger", queued_at, started_at) values (?, ?, ?, ?, ?)',
        [api.mappings.contacts, status, 'MANUAL', now, status === 'RUNNING' ? now : null],
      );
    }
    const after = await page();
    expect(sampleValue(after, 'tandem_queue_jobs', { mapping: 'contacts', state: 'waiting' })).toBe(2);
    expect(sampleValue(after, 'tandem_queue_jobs', { mapping: 'contacts', state: 'active' })).toBe(1);
    expect(sampleValue(after, 'tandem_queue_jobs', { mapping: 'items', state: 'active' })).toBe(0);
  });
});
