import { createStore, InProcessEventBus, InProcessQueue } from '@tandem/sync-core';
import type { ApiServices } from '../src/context.js';
import { bridgeEvents } from '../src/pubsub.js';
import { startApiServer } from '../src/server.js';
import { createApi } from '../src/yoga.js';

// The benchmark's clients share one key on purpose and far exceed a person's rate: no per-key limits here.
const BENCH_LIMITS = { requestsPerMinutePerKey: 1_000_000_000, subscriptionsPerKey: 1_000_000 };

/**
 * The API as `tandem start` serves it, over the store named by argv[2], in a process of its own so the
 * load generator's work never lands on the server's event loop. Prints `{"url": …}` when listening.
 */
const store = await createStore({ url: `sqlite:${process.argv[2]}` });
const events = new InProcessEventBus();
const { pubsub } = bridgeEvents(events);
// Not started: the benchmark only reads, and a queue with no jobs to claim would only add polling.
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
process.on('SIGTERM', async () => {
  await server.close();
  await store.close();
  process.exit(0);
});
