import { afterEach, describe, expect, it } from 'vitest';
import { SyncJobSchema } from '../../src/entities/index.js';
import type { DomainEvent } from '../../src/events/event-publisher.js';
import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/**
 * The real engine behind the real queue: the engine's batches (plain SQL on the store's connection) and
 * the queue's bookkeeping (the ORM: claims, progress, final status) share one store while the job runs.
 */
describe.each(DIALECTS)('the in-process queue running the engine, on %s', (dialect) => {
  let fx: SyncFixture;
  let queue: InProcessQueue | undefined;
  afterEach(async () => {
    await queue?.close();
    await fx?.close();
  });

  it('runs a several-batch job to SUCCEEDED, with progress events and counters stored on the job', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 200 });
    const rows: unknown[] = [];
    for (let i = 1; i <= 1500; i++) rows.push(`C${i}`, `c${i}@example.com`, 'Oslo', fx.stamp('erp'));
    for (let i = 0; i < 1500; i += 250) {
      await fx.erp.run(
        `insert into customer (name, email, city, modified_at) values ${Array.from({ length: 250 }, () => '(?, ?, ?, ?)').join(', ')}`,
        rows.slice(i * 4, (i + 250) * 4),
      );
    }
    const events: DomainEvent[] = [];
    fx.events.subscribe((event) => events.push(event));
    queue = new InProcessQueue({
      context: {
        store: fx.store,
        connectors: fx.connectors,
        events: fx.events,
        workerId: 'test',
        settings: { batchSize: 200, initialBatchSize: 200 },
      },
      schedules: false,
      progressIntervalMs: 0,
    });
    await queue.start();
    const finished = new Promise<void>((resolve) =>
      fx.events.subscribe((event) => {
        if (event.type === 'syncJobChanged' && ['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(event.job.status)) resolve();
      }),
    );
    const { jobId } = await queue.enqueue(fx.mappingId, { trigger: 'MANUAL' });
    await finished;

    const job = await fx.store.em().findOneOrFail(SyncJobSchema, { id: jobId });
    expect(job).toMatchObject({ status: 'SUCCEEDED', inserted: 1500, failed: 0 });
    expect(job.finishedAt).not.toBeNull();
    const statuses = events.flatMap((e) => (e.type === 'syncJobChanged' ? [e.job.status] : []));
    expect(statuses[0]).toBe('QUEUED');
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    const progress = events.filter(
      (e) => e.type === 'syncJobChanged' && e.job.status === 'RUNNING' && e.job.processed > 0,
    );
    expect(progress.length).toBeGreaterThan(1);
    expect(await couplingsOf(fx.store, fx.mappingId)).toHaveLength(1500);
    expect(await fx.crm.all('select count(*) as n from account')).toEqual([
      { n: dialect === 'sqlite' ? 1500 : '1500' },
    ]);
  });
});
