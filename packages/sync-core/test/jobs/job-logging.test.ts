import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters } from '../../src/engine/sync-run.js';
import { SyncJobSchema, TableMappingSchema } from '../../src/entities/index.js';
import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import type { RunJob } from '../../src/jobs/job-queue.js';
import { consoleLogger, type LogFields, type Logger } from '../../src/logging/logger.js';
import { type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { createMapping, JobEvents, waitFor } from './job-test-kit.js';

/** A logger that keeps its lines, and the fields of every child it made, as pino would write them. */
class RecordingLogger implements Logger {
  constructor(
    readonly lines: { level: string; message: string; fields: LogFields }[] = [],
    private readonly bound: LogFields = {},
  ) {}
  debug = (message: string, fields?: LogFields) => this.write('debug', message, fields);
  info = (message: string, fields?: LogFields) => this.write('info', message, fields);
  warn = (message: string, fields?: LogFields) => this.write('warn', message, fields);
  error = (message: string, fields?: LogFields) => this.write('error', message, fields);
  child = (fields: LogFields) => new RecordingLogger(this.lines, { ...this.bound, ...fields });
  private write(level: string, message: string, fields: LogFields = {}) {
    this.lines.push({ level, message, fields: { ...this.bound, ...fields } });
  }
}

let db: ScratchDatabase;
let store: Store;
const queues: InProcessQueue[] = [];

beforeAll(async () => {
  db = await scratchDatabase('sqlite', 'job-logging');
  store = await createStore({ url: db.url });
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close({ graceful: false })));
  vi.restoreAllMocks();
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

function queueWith(runJob: RunJob, logger?: Logger): InProcessQueue {
  const queue = new InProcessQueue({
    context: { store, events: new JobEvents().bus, workerId: 'logging-test', connectors: new Map() },
    runJob,
    logger,
    pollIntervalMs: 50,
    progressIntervalMs: 0,
    schedules: false,
  });
  queues.push(queue);
  return queue;
}

const finished = async (jobId: number) =>
  waitFor(`job ${jobId} to finish`, async () => {
    const job = await store.em().fork().findOne(SyncJobSchema, { id: jobId });
    return job?.finishedAt != null ? job : null;
  });

describe('a job logs through the logger it is given', () => {
  it('every line of a job carries its id and mapping: started, progress (debug), finished with counters', async () => {
    const mappingId = await createMapping(store);
    const logger = new RecordingLogger();
    const queue = queueWith(async (run) => {
      run.onProgress({ ...emptyCounters(), inserted: 3, processed: 3 });
      return { status: 'SUCCEEDED', counters: { ...emptyCounters(), inserted: 3, processed: 3 }, message: null };
    }, logger);
    await queue.start();
    const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
    await finished(jobId);
    await waitFor('the finished line', () => logger.lines.find((line) => line.message === 'job finished'));

    const jobLines = logger.lines.filter((line) => line.fields.jobId === jobId);
    expect(jobLines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'info job started',
      'debug job progress',
      'info job finished',
    ]);
    const mapping = await store.em().fork().findOneOrFail(TableMappingSchema, { id: mappingId });
    for (const line of jobLines) expect(line.fields).toMatchObject({ jobId, mappingId, mapping: mapping.name });
    expect(jobLines[2]!.fields).toMatchObject({ status: 'SUCCEEDED', inserted: 3 });
    expect(jobLines[2]!.fields.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a FAILED job is a warning with its message, SQL redacted', async () => {
    const mappingId = await createMapping(store);
    const logger = new RecordingLogger();
    const queue = queueWith(async () => {
      throw new Error("insert into customer (email) values ('ada@example.com') - SQLITE_CONSTRAINT: UNIQUE failed");
    }, logger);
    await queue.start();
    const { jobId } = await queue.enqueue(mappingId, { trigger: 'MANUAL' });
    await finished(jobId);
    const line = await waitFor('the failed line', () => logger.lines.find((l) => l.message === 'job failed'));
    expect(line).toMatchObject({ level: 'warn', fields: { jobId, status: 'FAILED' } });
    expect(JSON.stringify(logger.lines)).not.toContain('ada@example.com');
    expect(String(line.fields.message)).toContain('[SQL statement redacted] - SQLITE_CONSTRAINT');
  });

  it('without a logger: routine lines and warnings are dropped, errors go to stderr, SQL redacted, as before', () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logger = consoleLogger('tandem jobs');
    logger.info('job started', { jobId: 1 });
    logger.debug('job progress', { jobId: 1 });
    logger.warn('job failed', { jobId: 1 });
    expect(printed).not.toHaveBeenCalled();
    logger.error('job queue failure', { err: new Error("select * from api_key where key_hash = 'abc' - gone") });
    expect(printed).toHaveBeenCalledTimes(1);
    const text = String(printed.mock.calls[0]![0]);
    expect(text).toMatch(/^\[tandem jobs\] job queue failure: Error: \[SQL statement redacted\] - gone/);
    expect(text).not.toContain('abc');
  });
});
