import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acquireMappingLease,
  claimSyncJob,
  emptyCounters,
  enqueueSyncJob,
  finishSyncJob,
  releaseMappingLease,
  TableMappingSchema,
} from '@tandem/sync-core';
import { benchLine, note, quantile } from '@tandem/sync-core/bench-kit';
import { parseConfig } from '../src/config/load-config.js';
import { demoConfig, ensureDemoApps } from '../src/demo/demo-apps.js';
import { startRuntime } from '../src/runtime/tandem-runtime.js';

const STATE_CHANGES = 50;
const SECRET = `whsec_${Buffer.from('alert-latency-bench-secret-32by!').toString('base64')}`;

/**
 * BENCH alert-latency: a runtime as `tandem start` builds it (SQLite store, the config's alert rule
 * `JOB_FAILED` on one mapping with a webhook channel, the deliverer it starts), and a webhook receiver on
 * loopback. 50 jobs go through their real lifecycle (queued, claimed under the lease, finished), alternately
 * FAILED and SUCCEEDED, so each is a state change (FIRING, RESOLVED …); each latency is from the moment the
 * job's final status is committed (`finishSyncJob` returned) to the signed webhook's arrival. Beside it, the
 * same run's plain HTTP round trip (a POST of the same size to the same receiver), the floor of any
 * delivery. Target: p95_ms ≤ 500.
 */
export async function alertLatency(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-alerts-'));
  const arrivals: number[] = [];
  let wake: (() => void) | null = null;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers['webhook-id']) {
        arrivals.push(performance.now());
        wake?.();
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    ensureDemoApps(dir);
    const demo = demoConfig(dir);
    const config = parseConfig({
      database: demo.database,
      connectors: demo.connectors,
      mappings: demo.mappings.map((mapping) => ({ ...mapping, scheduleSeconds: 0 })),
      alerts: {
        channels: { hook: { type: 'webhook', url, secret: SECRET } },
        rules: [{ name: 'customers-failing', mapping: 'customers', when: 'JOB_FAILED', channels: ['hook'] }],
      },
    });
    const runtime = await startRuntime(config, { schedules: false, jobThreads: false });
    try {
      const em = runtime.store.em();
      const mappingId = (await em.findOneOrFail(TableMappingSchema, { name: 'customers' })).id;
      const latencies: number[] = [];
      for (let i = 0; i < STATE_CHANGES; i++) {
        const status = i % 2 === 0 ? 'FAILED' : 'SUCCEEDED';
        const enqueued = await enqueueSyncJob(em, { mappingId, trigger: 'MANUAL' });
        const jobId = enqueued!.job.id;
        await acquireMappingLease(em, { mappingId, owner: 'bench', ttlMs: 60_000 });
        await claimSyncJob(em, { jobId, workerId: 'bench' });
        const arrived = new Promise<void>((resolve) => {
          wake = resolve;
        });
        const before = arrivals.length;
        await finishSyncJob(runtime.store.em(), {
          jobId,
          workerId: 'bench',
          outcome: { status, counters: emptyCounters(), message: status === 'FAILED' ? 'bench: app down' : null },
        });
        const committed = performance.now();
        await releaseMappingLease(em, mappingId, 'bench');
        if (arrivals.length === before) await arrived;
        latencies.push(arrivals[before]! - committed);
      }
      note(`${STATE_CHANGES} state changes delivered, ${arrivals.length} webhooks received`);

      const body = JSON.stringify({ type: 'alert.firing', data: { message: 'x'.repeat(300) } });
      const roundTrips: number[] = [];
      for (let i = 0; i < STATE_CHANGES; i++) {
        const started = performance.now();
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await response.text();
        roundTrips.push(performance.now() - started);
      }
      return benchLine('alert-latency', {
        p50_ms: Math.round(quantile(latencies, 0.5)),
        p95_ms: Math.round(quantile(latencies, 0.95)),
        max_ms: Math.round(Math.max(...latencies)),
        http_p95_ms: Number(quantile(roundTrips, 0.95).toFixed(2)),
        changes: STATE_CHANGES,
        webhooks: arrivals.length,
      });
    } finally {
      await runtime.close();
    }
  } finally {
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
