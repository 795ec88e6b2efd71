import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { SyncJobSchema } from '../../src/entities/index.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { createMapping, waitFor } from './job-test-kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');

interface RunRecord {
  jobId: number;
  mappingId: number;
  workerId: string;
  startedAt: number;
  endedAt: number;
  leaseOwner: string | undefined;
}

/** A child process speaking the fixture's line protocol. */
class Worker {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly heard: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'queue-worker.ts'), ...args], {
      cwd: packageDir,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.heard.push(line));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  async said(word: string): Promise<void> {
    await waitFor(`a worker to say ${word}`, () => this.heard.includes(word), 30_000);
  }

  tell(word: string): void {
    this.child.stdin.write(`${word}\n`);
  }

  kill(): void {
    this.child.kill();
  }
}

describe.each(DIALECTS)('two processes on one %s database', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'twoproc');
    store = await createStore({ url: db.url });
    dir = mkdtempSync(join(tmpdir(), 'tandem-twoproc-'));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never run one mapping at once, and run every job that was queued', async () => {
    const mappings = [await createMapping(store), await createMapping(store), await createMapping(store)];
    const workers = ['alpha', 'beta'].map(
      (workerId) => new Worker([db.url, workerId, mappings.join(','), join(dir, `${workerId}.jsonl`), '40']),
    );
    try {
      for (const worker of workers) await worker.said('ready');
      for (const worker of workers) worker.tell('go');
      for (const worker of workers) await worker.said('enqueued');
      const open = () => store.em().count(SyncJobSchema, { status: { $in: ['QUEUED', 'RUNNING'] } });
      await waitFor('every queued job to run', async () => (await open()) === 0, 30_000);
      for (const worker of workers) worker.tell('stop');
      for (const worker of workers) await worker.said('closed');
      expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0]);
    } finally {
      for (const worker of workers) worker.kill();
    }

    const records: RunRecord[] = ['alpha', 'beta'].flatMap((workerId) =>
      readFileSync(join(dir, `${workerId}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RunRecord),
    );
    const jobs = await store.em().find(SyncJobSchema, {}, { orderBy: { id: 'asc' } });
    // Every job ran exactly once and ended SUCCEEDED; both processes took part.
    expect(jobs.length).toBeGreaterThanOrEqual(mappings.length);
    expect(jobs.every((job) => job.status === 'SUCCEEDED')).toBe(true);
    expect(records.map((record) => record.jobId).sort((a, b) => a - b)).toEqual(jobs.map((job) => job.id));
    expect(new Set(records.map((record) => record.workerId))).toEqual(new Set(['alpha', 'beta']));
    for (const record of records) {
      expect(record.leaseOwner).toBe(record.workerId);
      expect(jobs.find((job) => job.id === record.jobId)?.workerId).toBe(record.workerId);
    }
    // No two runs of one mapping overlap (one may start in the millisecond the previous ended).
    for (const mappingId of mappings) {
      const runs = records.filter((record) => record.mappingId === mappingId).sort((a, b) => a.startedAt - b.startedAt);
      expect(runs.length).toBeGreaterThan(0);
      for (let index = 1; index < runs.length; index++) {
        expect(runs[index]!.startedAt).toBeGreaterThanOrEqual(runs[index - 1]!.endedAt);
      }
    }
  });
});
