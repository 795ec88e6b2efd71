import { randomUUID } from 'node:crypto';
import { emptyCounters, InProcessEventBus, type SyncJobSnapshot } from '@tandem/sync-core';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeEvents } from '../src/pubsub.js';
import { createRedisEvents, type RedisEvents } from '../src/redis-event-target.js';

const REDIS_URL = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Subscription events through the real Redis, as two API/worker processes would share them. */
describe('subscription events over Redis', () => {
  const opened: RedisEvents[] = [];
  const open = (prefix: string) => {
    const events = createRedisEvents(REDIS_URL, prefix, () => {});
    opened.push(events);
    return events;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((events) => events.close()));
  });

  const job = (id: number): SyncJobSnapshot => ({
    ...emptyCounters(),
    id,
    mappingId: 1,
    status: 'RUNNING',
    queuedAt: 1,
    startedAt: 2,
    finishedAt: null,
    message: null,
    processed: 5,
  });

  it('delivers a job event published in one process to subscribers in another, and not across deployments', async () => {
    const deployment = `tandem-test-${randomUUID().slice(0, 8)}`;
    const worker = new InProcessEventBus();
    const workerSide = bridgeEvents(worker, { eventTarget: open(deployment).eventTarget });
    const api = bridgeEvents(new InProcessEventBus(), { eventTarget: open(deployment).eventTarget });
    const other = bridgeEvents(new InProcessEventBus(), { eventTarget: open(`${deployment}-other`).eventTarget });

    const received: SyncJobSnapshot[] = [];
    const strays: SyncJobSnapshot[] = [];
    const iterator = api.pubsub.subscribe('syncJobChanged')[Symbol.asyncIterator]();
    const strayIterator = other.pubsub.subscribe('syncJobChanged')[Symbol.asyncIterator]();
    void strayIterator.next().then((result) => !result.done && strays.push(result.value));
    // A subscription listens from its first read on; let both SUBSCRIBEs reach Redis before publishing.
    const firstEvent = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 200));

    worker.publish({ type: 'syncJobChanged', job: job(7) });
    const first = await firstEvent;
    received.push(first.value as SyncJobSnapshot);
    expect(received).toEqual([job(7)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(strays).toEqual([]);

    await iterator.return?.();
    await strayIterator.return?.();
    workerSide.detach();
    api.detach();
    other.detach();
  });

  it('reports a publish while Redis cannot be reached instead of failing the process', async () => {
    const errors: unknown[] = [];
    const events = createRedisEvents('redis://127.0.0.1:1', 'nowhere', (error) => errors.push(error));
    opened.push(events);
    const { pubsub, detach } = bridgeEvents(new InProcessEventBus(), { eventTarget: events.eventTarget });
    pubsub.publish('syncErrorsChanged', { mappingId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.ready()).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    detach();
  });
});
