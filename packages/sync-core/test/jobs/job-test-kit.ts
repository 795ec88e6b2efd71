import type { Store } from '../../src/db/orm.js';
import { emptyCounters, type SyncOutcome, type SyncRun } from '../../src/engine/sync-run.js';
import { type SyncJob, SyncJobSchema } from '../../src/entities/index.js';
import { type DomainEvent, InProcessEventBus, type SyncJobSnapshot } from '../../src/events/event-publisher.js';
import type { JobQueue, RunJob } from '../../src/jobs/job-queue.js';
import { saveTableMapping } from '../../src/mappings/table-mapping.repository.js';
import type { TableMappingInput } from '../../src/mappings/table-mapping-input.js';

let mappingCounter = 0;

/** A real mapping row; the queue only needs its id, schedule and enabled flag. */
export async function createMapping(store: Store, overrides: Partial<TableMappingInput> = {}): Promise<number> {
  mappingCounter += 1;
  return saveTableMapping(store.em(), mappingInput({ name: `m${mappingCounter}_${process.pid}`, ...overrides }));
}

export function mappingInput(overrides: Partial<TableMappingInput> & { name: string }): TableMappingInput {
  return {
    local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
    integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
    fields: [{ local: 'name', integration: 'name' }],
    ...overrides,
  };
}

export async function jobsOf(store: Store, mappingId: number): Promise<SyncJob[]> {
  return store.em().find(SyncJobSchema, { mappingId }, { orderBy: { id: 'asc' } });
}

export async function jobRow(store: Store, jobId: number): Promise<SyncJob> {
  const job = await store.em().findOne(SyncJobSchema, { id: jobId });
  if (!job) throw new Error(`job ${jobId} not found`);
  return job;
}

export async function mappingName(store: Store, mappingId: number): Promise<string> {
  const rows = await store
    .em()
    .execute<Array<{ name: string }>>('select name from table_mapping where id = ?', [mappingId]);
  return rows[0]!.name;
}

/**
 * After a test: closes its queues at once (and forgets them), then leaves no job waiting or running and no
 * lease held, whatever the test left behind.
 */
export async function closeQueuesAndClear(store: Store, queues: JobQueue[]): Promise<void> {
  await Promise.all(queues.splice(0).map((queue) => queue.close({ graceful: false })));
  await store.em().execute("update sync_job set status = 'CANCELLED' where status in ('QUEUED', 'RUNNING')");
  await store.em().execute('delete from mapping_lease', [], 'run');
}

/** Polls until `check` returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function waitForStatus(store: Store, jobId: number, status: SyncJob['status']): Promise<SyncJob> {
  return waitFor(`job ${jobId} to be ${status}`, async () => {
    const job = await jobRow(store, jobId);
    return job.status === status ? job : null;
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const succeeded = (): SyncOutcome => ({ status: 'SUCCEEDED', counters: emptyCounters(), message: null });

/** Records every syncJobChanged event. */
export class JobEvents {
  readonly bus = new InProcessEventBus();
  readonly all: SyncJobSnapshot[] = [];

  constructor() {
    this.bus.subscribe((event: DomainEvent) => {
      if (event.type === 'syncJobChanged') this.all.push(event.job);
    });
  }

  of(jobId: number): SyncJobSnapshot[] {
    return this.all.filter((job) => job.id === jobId);
  }

  /** The job's statuses as announced, with repeats (progress events) collapsed. */
  statusesOf(jobId: number): string[] {
    const statuses: string[] = [];
    for (const job of this.of(jobId)) if (statuses.at(-1) !== job.status) statuses.push(job.status);
    return statuses;
  }
}

interface RunRecord {
  jobId: number;
  mappingId: number;
  full: boolean;
  scope: number[] | null;
  startedAt: number;
  endedAt: number | null;
}

/**
 * A real `runJob` whose runs the test ends by hand (`finish`), or after `autoFinishMs`. Records every run
 * with its start and end, so tests can check overlaps.
 */
export class ControlledRunner {
  readonly runs: RunRecord[] = [];
  private readonly gates = new Map<number, (outcome: SyncOutcome) => void>();

  constructor(private readonly autoFinishMs: number | null = null) {}

  readonly runJob: RunJob = async (run: SyncRun) => {
    const record: RunRecord = {
      jobId: run.jobId,
      mappingId: run.mappingId,
      full: run.full,
      scope: run.scope,
      startedAt: Date.now(),
      endedAt: null,
    };
    this.runs.push(record);
    const outcome = await new Promise<SyncOutcome>((resolve) => {
      this.gates.set(run.jobId, resolve);
      if (this.autoFinishMs !== null) setTimeout(() => resolve(succeeded()), this.autoFinishMs);
    });
    record.endedAt = Date.now();
    return outcome;
  };

  async started(jobId: number): Promise<RunRecord> {
    return waitFor(`job ${jobId} to start`, () => this.runs.find((run) => run.jobId === jobId));
  }

  finish(jobId: number, outcome: SyncOutcome = succeeded()): void {
    const resolve = this.gates.get(jobId);
    if (!resolve) throw new Error(`job ${jobId} is not running`);
    resolve(outcome);
  }

  /** The largest number of runs that were going on at one moment (of one mapping, when given). */
  maxConcurrent(mappingId?: number): number {
    const runs = this.runs.filter((run) => mappingId === undefined || run.mappingId === mappingId);
    return maxOverlap(runs.map((run) => [run.startedAt, run.endedAt ?? Number.POSITIVE_INFINITY]));
  }
}

/** Intervals touching at an end point do not overlap: one run may start in the millisecond another ended. */
export function maxOverlap(intervals: Array<[number, number]>): number {
  const points = intervals.flatMap(([start, end]) => [
    { at: start, delta: 1 },
    { at: end, delta: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const point of points) {
    current += point.delta;
    max = Math.max(max, current);
  }
  return max;
}
