import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, saveTableMapping } from '@tandem/sync-core';
import { benchLine, note, quantile } from '@tandem/sync-core/bench-kit';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApiKey } from '../src/auth/api-keys.js';
import { spawnServer } from './api-process.js';

const SUBSCRIBERS = 500;
const EVENTS = 20;
/** The queue publishes progress at most 4 times a second per job: the benchmark publishes at that pace. */
const INTERVAL_MS = 250;

const SUBSCRIPTION = `subscription($mapping: ID) { syncJobChanged(mappingId: $mapping) {
  id status processed inserted modified failed message } }`;

async function prepareStore(path: string): Promise<{ key: string; mappingId: number }> {
  const store = await createStore({ url: `sqlite:${path}` });
  try {
    const mappingId = await saveTableMapping(store.em(), {
      name: 'customers',
      local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
      integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
      fields: [{ local: 'name', integration: 'name' }],
    });
    return { key: (await createApiKey(store.em(), 'bench', 'VIEWER')).key, mappingId };
  } finally {
    await store.close();
  }
}

/**
 * BENCH subscription-fanout: 500 graphql-ws clients subscribed to one mapping's `syncJobChanged` on a
 * real server (its own process); the server publishes a job's progress events on sync-core's event bus;
 * each delivery's latency is its arrival time minus the publish time the event carries. p95_ms is over
 * every delivery; every_p95_ms over events, of the time until the last subscriber had it.
 */
export async function subscriptionFanout(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-ws-'));
  const path = join(dir, 'tandem.sqlite');
  const clients: Client[] = [];
  try {
    const { key, mappingId } = await prepareStore(path);
    const server = await spawnServer('./subscription-fanout.server.ts', [path, String(mappingId)]);
    try {
      const wsUrl = `${server.url.replace('http', 'ws')}/graphql`;
      const arrivals = new Map<number, number[]>();
      let subscribed = 0;
      await Promise.all(
        Array.from({ length: SUBSCRIBERS }, async () => {
          const client = createClient({
            url: wsUrl,
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${key}` },
            lazy: false,
            retryAttempts: 0,
          });
          clients.push(client);
          await new Promise<void>((resolve, reject) => {
            client.on('connected', () => resolve());
            client.on('closed', (event) => reject(new Error(`closed: ${JSON.stringify(event)}`)));
          });
          client.subscribe(
            { query: SUBSCRIPTION, variables: { mapping: String(mappingId) } },
            {
              next: (result) => {
                const now = performance.timeOrigin + performance.now();
                const job = (result.data as { syncJobChanged: { processed: number; message: string } }).syncJobChanged;
                const list = arrivals.get(job.processed) ?? [];
                list.push(now - Number(job.message));
                arrivals.set(job.processed, list);
              },
              error: (error) => {
                throw error;
              },
              complete: () => {},
            },
          );
          subscribed++;
        }),
      );
      // graphql-ws acknowledges a subscription only by its first event: give the server time to set all 500 up.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      note(`${subscribed} subscribers connected`);
      for (let i = 1; i <= EVENTS; i++) {
        server.send(`publish ${i}`);
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const all = [...arrivals.values()].flat();
      const complete = [...arrivals.values()].filter((list) => list.length === SUBSCRIBERS);
      const delivered = all.length;
      note(
        `${delivered} of ${SUBSCRIBERS * EVENTS} deliveries; ${complete.length} of ${EVENTS} events reached everyone`,
      );
      const p95 = quantile(all, 0.95);
      const everyP95 = quantile(
        [...arrivals.values()].map((list) => Math.max(...list)),
        0.95,
      );
      note(`p50 ${quantile(all, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...all).toFixed(1)} ms`);
      note(
        `target (p95 ≤ 150 ms, every delivery arrived): ${p95 <= 150 && delivered === SUBSCRIBERS * EVENTS ? 'met' : 'missed'}`,
      );
      return benchLine('subscription-fanout', {
        p95_ms: Math.round(p95 * 10) / 10,
        every_p95_ms: Math.round(everyP95 * 10) / 10,
        subscribers: subscribed,
        events: EVENTS,
        delivered,
      });
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
