import { createInterface } from 'node:readline';
import { createStore, InProcessEventBus, InProcessQueue, type SyncJobSnapshot } from '@tandem/sync-core';
import type { ApiServices } from '../src/context.js';
import { bridgeEvents } from '../src/pubsub.js';
import { startApiServer } from '../src/server.js';
import { createApi } from '../src/yoga.js';

// The benchmark's clients share one key on purpose and far exceed a person's rate: no per-key limits here.
const BENCH_LIMITS = { requestsPerMinutePerKey: 1_000_000_000, subscriptionsPerKey: 1_000_000 };

/**
 * The API over the store named by argv[2], publishing a running job's progress on sync-core's event bus
 * (the path a worker's events take) whenever a line `publish N` arrives on stdin. Each event carries its
 * publish time (epoch ms, sub-millisecond) in `message`, so subscribers can tell how long it travelled.
 */
const store = await createStore({ url: `sqlite:${process.argv[2]}` });
const mappingId = Number(process.argv[3]);
const events = new InProcessEventBus();
const { pubsub } = bridgeEvents(events);
const queue = new InProcessQueue({
  context: { store, connectors: new Map(), events, workerId: 'bench' },
  schedules: false,
});
const services: ApiServices = { store, queue, connectors: new Map(), events, pubsub };
const server = await startApiServer(createApi(services, { limits: BENCH_LIMITS }), services, {
  port: 0,
  host: '127.0.0.1',
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

const started = Date.now();
const job = (processed: number): SyncJobSnapshot => ({
  id: 1,
  mappingId,
  status: 'RUNNING',
  queuedAt: started,
  startedAt: started,
  finishedAt: null,
  message: String(performance.timeOrigin + performance.now()),
  inserted: processed,
  modified: 0,
  deleted: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  coupled: 0,
  uncoupled: 0,
  processed,
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, n] = line.split(' ');
  if (command === 'publish') events.publish({ type: 'syncJobChanged', job: job(Number(n)) });
});
process.on('SIGTERM', async () => {
  await server.close();
  await store.close();
  process.exit(0);
});
