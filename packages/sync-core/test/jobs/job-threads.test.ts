import { afterEach, describe, expect, it } from 'vitest';
import { SyncErrorSchema, SyncJobSchema } from '../../src/entities/index.js';
import type { DomainEvent, SyncJobSnapshot } from '../../src/events/event-publisher.js';
import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import { JobThreadPool } from '../../src/jobs/job-threads/job-thread-pool.js';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/**
 * The queue with the engine on worker threads (what `tandem start` runs): each thread opens its own
 * store and app connections; the main thread keeps the job row, lease and events.
 */
describe.each(DIALECTS)('jobs on job threads, on %s', (dialect) => {
  let fx: SyncFixture;
  let queue: InProcessQueue | undefined;
  let pool: JobThreadPool | undefined;
  afterEach(async () => {
    await queue?.close();
    await pool?.close();
    await fx?.close();
  });

  async function seedCustomers(count: number, name = (i: number) => `C${i}`) {
    for (let start = 1; start <= count; start += 250) {
      const size = Math.min(250, count - start + 1);
      const rows: unknown[] = [];
      for (let i = start; i < start + size; i++) rows.push(name(i), `c${i}@example.com`, 'Oslo', fx.stamp('erp'));
      await fx.erp.run(
        `insert into customer (name, email, city, modified_at) values ${Array.from({ length: size }, () => '(?, ?, ?, ?)').join(', ')}`,
        rows,
      );
    }
  }

  function startQueue(
    connectors: Record<string, { type: 'sql'; url: string }>,
    prestart?: (pool: JobThreadPool) => void,
  ) {
    const settings = { batchSize: 200, initialBatchSize: 200 };
    pool = new JobThreadPool(
      { storeUrl: fx.urls.store, connectors, workerId: 'test', settings },
      { onEvent: (event) => fx.events.publish(event) },
    );
    prestart?.(pool);
    queue = new InProcessQueue({
      context: { store: fx.store, connectors: fx.connectors, events: fx.events, workerId: 'test', settings },
      runJob: pool.runJob,
      schedules: false,
      progressIntervalMs: 0,
    });
    return queue.start();
  }

  const appConnectors = () => ({
    erp: { type: 'sql' as const, url: fx.urls.erp },
    crm: { type: 'sql' as const, url: fx.urls.crm },
  });

  function finalJob(jobId: () => number | null): Promise<SyncJobSnapshot> {
    return new Promise((resolve) =>
      fx.events.subscribe((event) => {
        if (event.type !== 'syncJobChanged' || event.job.id !== jobId()) return;
        if (['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(event.job.status)) resolve(event.job);
      }),
    );
  }

  it('runs a several-batch job on a thread: records synced, progress and error events arrive during the job', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 200 });
    // Ten customers the CRM rejects (its CHECK on name): their errors are opened by the engine on the thread.
    await seedCustomers(1000, (i) => (i % 100 === 0 ? 'REJECT' : `C${i}`));
    const events: DomainEvent[] = [];
    fx.events.subscribe((event) => events.push(event));
    await startQueue(appConnectors());
    let id: number | null = null;
    const finished = finalJob(() => id);
    id = (await queue!.enqueue(fx.mappingId, { trigger: 'MANUAL' })).jobId;
    const last = await finished;

    expect(last).toMatchObject({ status: 'PARTIAL', inserted: 990, failed: 10 });
    const stored = await fx.store.em().findOneOrFail(SyncJobSchema, { id });
    expect(stored).toMatchObject({ status: 'PARTIAL', inserted: 990, failed: 10 });
    expect(await couplingsOf(fx.store, fx.mappingId)).toHaveLength(1000);
    expect(await fx.store.em().count(SyncErrorSchema, { kind: 'WRITE_FAILED', status: 'OPEN' })).toBe(10);
    const progress = events.filter(
      (e) => e.type === 'syncJobChanged' && e.job.status === 'RUNNING' && e.job.processed > 0,
    );
    expect(progress.length).toBeGreaterThan(1);
    // The engine's own event, published on the job thread, reached this thread's bus before the job ended.
    const errorsChanged = events.findIndex((e) => e.type === 'syncErrorsChanged' && e.mappingId === fx.mappingId);
    const ended = events.findIndex((e) => e.type === 'syncJobChanged' && e.job.status === 'PARTIAL');
    expect(errorsChanged).toBeGreaterThanOrEqual(0);
    expect(errorsChanged).toBeLessThan(ended);
    expect(pool!.size).toBe(1);

    // The thread is kept for the next job, which finds nothing new.
    let second: number | null = null;
    const secondDone = finalJob(() => second);
    second = (await queue!.enqueue(fx.mappingId, { trigger: 'MANUAL' })).jobId;
    expect(await secondDone).toMatchObject({ status: 'PARTIAL', inserted: 0 });
    expect(pool!.size).toBe(1);
  });

  it('pre-starts threads before any job; a job that comes while they start takes one of them', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 200 });
    await seedCustomers(300);
    let ready: Promise<void> | null = null;
    // Not awaited: the job is queued while the two threads are still starting.
    await startQueue(appConnectors(), (threads) => {
      ready = threads.prestart(2);
    });
    let id: number | null = null;
    const finished = finalJob(() => id);
    id = (await queue!.enqueue(fx.mappingId, { trigger: 'MANUAL' })).jobId;
    expect(await finished).toMatchObject({ status: 'SUCCEEDED', inserted: 300 });
    await ready;
    // The job ran on a pre-started thread rather than a third one.
    expect(pool!.size).toBe(2);
    await pool!.prestart(2);
    expect(pool!.size).toBe(2);
    expect(await couplingsOf(fx.store, fx.mappingId)).toHaveLength(300);
  });

  it('stops a job on a thread when it is cancelled, after a whole batch', async () => {
    fx = await createSyncFixture(dialect, {}, { batchSize: 200 });
    await seedCustomers(3000);
    await startQueue(appConnectors());
    let id: number | null = null;
    const finished = finalJob(() => id);
    const cancelOnProgress = fx.events.subscribe((event) => {
      if (event.type === 'syncJobChanged' && event.job.id === id && event.job.processed > 0) {
        cancelOnProgress();
        void queue!.cancel(event.job.id);
      }
    });
    id = (await queue!.enqueue(fx.mappingId, { trigger: 'MANUAL' })).jobId;
    const last = await finished;
    expect(last.status).toBe('CANCELLED');
    const coupled = (await couplingsOf(fx.store, fx.mappingId)).length;
    // Whole batches only, and not all of them.
    expect(coupled % 200).toBe(0);
    expect(coupled).toBeLessThan(3000);
  });

  it('fails the job with a clear message when the thread cannot open an app, and goes on', async () => {
    fx = await createSyncFixture(dialect);
    const missing = dialect === 'sqlite' ? 'sqlite:/nonexistent/dir/crm.sqlite' : `${fx.urls.crm}_missing`;
    await startQueue({ erp: { type: 'sql', url: fx.urls.erp }, crm: { type: 'sql', url: missing } });
    let id: number | null = null;
    const finished = finalJob(() => id);
    id = (await queue!.enqueue(fx.mappingId, { trigger: 'MANUAL' })).jobId;
    const last = await finished;
    expect(last.status).toBe('FAILED');
    expect(last.message).toMatch(/connectors\.crm\.url/);
    expect(await couplingsOf(fx.store, fx.mappingId)).toHaveLength(0);
  });
});
