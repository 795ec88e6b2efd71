import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters } from '../../src/engine/sync-run.js';
import { SyncJobSchema } from '../../src/entities/index.js';
import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import type { LogFields, Logger } from '../../src/logging/logger.js';
import { type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { createMapping, JobEvents, waitFor } from './job-test-kit.js';

/** A logger that keeps its lines with the fields of the child that wrote them. */
function recordingLogger(lines: Array<{ message: string; fields: LogFields }>, bound: LogFields = {}): Logger {
  const write = (message: string, fields: LogFields = {}) => lines.push({ message, fields: { ...bound, ...fields } });
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    child: (f) => recordingLogger(lines, { ...bound, ...f }),
  };
}

let db: ScratchDatabase;
let store: Store;
const queues: InProcessQueue[] = [];
beforeAll(async () => {
  db = await scratchDatabase('sqlite', 'job-notices');
  store = await createStore({ url: db.url });
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close({ graceful: false })));
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe("a job's notices (a connector waiting for its app)", () => {
  it('are logged with the job and shown as the running job message, which the outcome then replaces', async () => {
    const mappingId = await createMapping(store);
    const lines: Array<{ message: string; fields: LogFields }> = [];
    const events = new JobEvents();
    const wait = 'the CRM (connector "crm") asked to wait 12 s (429 Too Many Requests on POST $batch)';
    const queue = new InProcessQueue({
      context: { store, events: events.bus, workerId: 'notices-test', connectors: new Map() },
      runJob: async (run) => {
        run.onNotice?.(wait);
        return { status: 'SUCCEEDED', counters: emptyCounters(), message: null };
      },
      logger: recordingLogger(lines),
      pollIntervalMs: 50,
      progressIntervalMs: 0,
      schedules: false,
    });
    queues.push(queue);
    await queue.start();
    const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
    await waitFor(`job ${jobId} to finish`, async () => {
      const job = await store.em().fork().findOne(SyncJobSchema, { id: jobId });
      return job?.finishedAt != null ? job : null;
    });
    const logged = lines.find((line) => line.message === wait);
    expect(logged?.fields).toMatchObject({ jobId, mappingId });
    const announced = events.of(jobId);
    expect(announced.some((job) => job.status === 'RUNNING' && job.message === wait)).toBe(true);
    expect(announced.at(-1)).toMatchObject({ status: 'SUCCEEDED', message: null });
  });
});
