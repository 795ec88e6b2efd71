import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ActionContext, synchronizeSyncErrors } from '../../src/actions/index.js';
import type { SyncJob } from '../../src/entities/index.js';
import { readMappingLease } from '../../src/jobs/mapping-lease.js';
import { jobRow, sleep, waitFor } from '../jobs/job-test-kit.js';
import { seedBulkConflicts } from '../support/bulk-conflicts.js';
import { withTableOverrides } from '../support/connector-doubles.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext } from '../support/error-kinds.js';
import { LineProcess } from '../support/line-process.js';
import { errorsOf, logOf } from '../support/store-queries.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER = join(here, '..', 'jobs', 'fixtures', 'sync-worker.ts');
const CONFLICTS = 1_000;
/** Records besides the conflicts, so that the full sync runs long enough to be met. */
const PLAIN = 20_000;

/**
 * DESIGN.md rule 8 holds for actions too (docs/TRIAGE.md, "Actions and running jobs"): Synchronize on
 * 1,000 conflicts while a full sync of the same mapping runs in another process. Whichever takes the
 * mapping's lease first goes first and the other after it — the action waits for the job, the job waits
 * for the action (QUEUED, never failed) — so afterwards every coupling's last-synced values equal both
 * apps' records, no error was resolved and re-opened by the same write, and the log shows the two in order.
 */
describe.each(DIALECTS)('synchronize beside a full sync in another process, on %s', (dialect) => {
  let fx: SyncFixture;
  let worker: LineProcess;
  beforeEach(async () => {
    fx = await createSyncFixture(dialect);
    await seedBulkConflicts(fx, { plain: PLAIN, conflicts: CONFLICTS });
    worker = new LineProcess(
      WORKER,
      [JSON.stringify({ ...fx.urls, workerId: 'other-process' })],
      join(here, '..', '..'),
    );
    await worker.line(/^ready$/);
  }, 180_000);
  afterEach(async () => {
    worker?.tell('stop');
    await worker?.line(/^closed$/).catch(() => worker.kill());
    await worker?.exited;
    await fx?.close();
  });

  const conflictsOnly = () => ({ filter: { mappingId: fx.mappingId, kinds: ['UPDATE_CONFLICT' as const] } });
  /** Runs a full sync in the other process, with every plain record changed in the ERP to give it work. */
  const runFullSync = async () => {
    await fx.erp.run(`update customer set city = 'Bergen', modified_at = ? where name like 'Plain %'`, [
      fx.stamp('erp'),
    ]);
    worker.tell(`full ${fx.mappingId}`);
    return Number((await worker.line(/^enqueued (\d+)$/))[1]);
  };
  const finished = (jobId: number) =>
    waitFor(
      `job ${jobId} to finish`,
      async () => {
        const job = await jobRow(fx.store, jobId);
        return job.finishedAt ? job : null;
      },
      180_000,
    );

  it('a job that runs first is waited for; the action synchronizes after it', async () => {
    const jobId = await runFullSync();
    await waitFor('the full sync to run', async () => (await jobRow(fx.store, jobId)).status === 'RUNNING', 30_000);
    const actionStartedAt = Date.now();
    const ctx: ActionContext = { ...actionContext(fx), lease: { waitMs: 180_000 } };
    const result = await synchronizeSyncErrors(ctx, conflictsOnly(), { winner: 'LOCAL' });

    expect(result).toMatchObject({ requested: CONFLICTS, succeeded: CONFLICTS, failed: 0, failures: [] });
    const job = await finished(jobId);
    expect({ status: job.status, message: job.message }).toEqual({ status: 'SUCCEEDED', message: null });
    // The job was still running when the action asked: it waited, and wrote only after the job had ended.
    expect(Number(job.finishedAt)).toBeGreaterThan(actionStartedAt);
    await expectOneAfterTheOther(fx, job, 'job first');
    await expectInStep(fx);
  }, 300_000);

  it('an action that runs first makes the job wait its turn, QUEUED and not failed; the job runs after it', async () => {
    // The action's writes to the CRM are slowed so that it still holds the mapping when the job is asked for.
    // While its first chunk writes, someone edits the conflicting records in the ERP: the job, after the
    // action, must carry those edits over the records the action has just written.
    let writing: (() => void) | null = null;
    const firstWrite = new Promise<void>((resolve) => {
      writing = resolve;
    });
    const slow = withTableOverrides(fx.connectors, {
      update: async (table, rows) => {
        if (writing) {
          writing();
          writing = null;
          await fx.erp.run(`update customer set city = 'Narvik', modified_at = ? where name like 'Conflict %'`, [
            fx.stamp('erp'),
          ]);
        }
        await sleep(1_000);
        return table.update(rows);
      },
    });
    let actionEnded = false;
    const action = synchronizeSyncErrors(
      { ...actionContext(fx), connectors: slow, lease: { waitMs: 0 } },
      conflictsOnly(),
      { winner: 'LOCAL' },
    ).finally(() => {
      actionEnded = true;
    });
    await Promise.race([
      firstWrite,
      action.then((result) => {
        throw new Error(`the action ended before it wrote: ${JSON.stringify(result)}`);
      }),
    ]);
    expect((await readMappingLease(fx.store.em(), fx.mappingId))?.owner).toMatch(/^action:/);
    const jobId = await runFullSync();
    await sleep(200); // several polls of the other process's queue
    const waiting = await jobRow(fx.store, jobId);
    expect(actionEnded).toBe(false);
    expect(waiting.status).toBe('QUEUED');

    const result = await action;
    expect(result).toMatchObject({ requested: CONFLICTS, succeeded: CONFLICTS, failed: 0, failures: [] });
    const job = await finished(jobId);
    expect({ status: job.status, message: job.message }).toEqual({ status: 'SUCCEEDED', message: null });
    await expectOneAfterTheOther(fx, job, 'action first');
    // The job wrote records the action had written before it: the edits of the first chunk's records.
    const log = await logOf(fx.store, fx.mappingId);
    const byAction = new Set(log.filter((e) => e.actor === 'alice').map((e) => e.couplingId));
    const byJobToo = log.filter(
      (e) => Number(e.jobId) === job.id && e.action === 'UPDATE' && byAction.has(e.couplingId),
    );
    expect(byJobToo).toHaveLength(500);
    await expectInStep(fx);
    const narvik = await fx.crm.all(`select accountid from account where address1_city = 'Narvik'`);
    expect(narvik).toHaveLength(CONFLICTS);
  }, 300_000);
});

/**
 * The action's log entries (actor alice) and the job's are not interleaved: all of one come before all of
 * the other, by id and by time, and the job's stay within its run.
 */
async function expectOneAfterTheOther(fx: SyncFixture, job: SyncJob, order: 'job first' | 'action first') {
  const log = await logOf(fx.store, fx.mappingId);
  const ofAction = log.filter((entry) => entry.actor === 'alice');
  const ofJob = log.filter((entry) => Number(entry.jobId) === job.id);
  expect(ofAction.length).toBeGreaterThanOrEqual(CONFLICTS);
  expect(ofJob.length).toBeGreaterThan(0);
  const span = (entries: typeof log) => ({
    firstId: Math.min(...entries.map((e) => Number(e.id))),
    lastId: Math.max(...entries.map((e) => Number(e.id))),
    firstAt: Math.min(...entries.map((e) => Number(e.occurredAt))),
    lastAt: Math.max(...entries.map((e) => Number(e.occurredAt))),
  });
  const [first, second] = order === 'job first' ? [span(ofJob), span(ofAction)] : [span(ofAction), span(ofJob)];
  expect(first.lastId).toBeLessThan(second.firstId);
  expect(first.lastAt).toBeLessThanOrEqual(second.firstAt);
  const jobSpan = span(ofJob);
  expect(jobSpan.firstAt).toBeGreaterThanOrEqual(Number(job.startedAt));
  expect(jobSpan.lastAt).toBeLessThanOrEqual(Number(job.finishedAt));
  if (order === 'job first') expect(span(ofAction).firstAt).toBeGreaterThanOrEqual(Number(job.finishedAt));
  else expect(span(ofAction).lastAt).toBeLessThanOrEqual(Number(job.startedAt));
}

/** Every coupling holds what both apps hold; every conflict resolved once, by the action, and none re-opened. */
async function expectInStep(fx: SyncFixture) {
  const erp = new Map(
    (await fx.erp.all<Record<string, unknown>>('select id, name, email, city from customer')).map((r) => [
      String(r.id),
      { name: r.name, email: r.email, city: r.city },
    ]),
  );
  const crm = new Map(
    (
      await fx.crm.all<Record<string, unknown>>('select accountid, name, emailaddress1, address1_city from account')
    ).map((r) => [
      String(r.accountid),
      { name: r.name, emailaddress1: r.emailaddress1, address1_city: r.address1_city },
    ]),
  );
  const couplings = await fx.store.sql.session((sql) =>
    sql.query<Record<string, unknown>>(
      'select id, local_id, integration_id, state, parked, local_values, integration_values from coupling where mapping_id = ?',
      [fx.mappingId],
    ),
  );
  expect(couplings).toHaveLength(PLAIN + CONFLICTS);
  expect(erp.size).toBe(PLAIN + CONFLICTS);
  expect(crm.size).toBe(PLAIN + CONFLICTS);
  const outOfStep = couplings.filter(
    (c) =>
      c.state !== 'COUPLED' ||
      Boolean(c.parked) ||
      canonical(JSON.parse(String(c.local_values))) !== canonical(erp.get(String(c.local_id))) ||
      canonical(JSON.parse(String(c.integration_values))) !== canonical(crm.get(String(c.integration_id))),
  );
  expect(outOfStep.slice(0, 3)).toEqual([]);
  expect([...erp.values()].filter((r) => String(r.name).endsWith('(CRM)'))).toEqual([]);

  const errors = await errorsOf(fx.store, fx.mappingId);
  expect(errors.filter((e) => e.status === 'OPEN')).toEqual([]);
  expect(errors).toHaveLength(CONFLICTS);
  for (const error of errors) {
    expect(error).toMatchObject({
      kind: 'UPDATE_CONFLICT',
      status: 'RESOLVED',
      resolution: 'SYNCHRONIZED',
      resolvedBy: 'alice',
    });
  }
  expect(new Set(errors.map((e) => e.couplingId)).size).toBe(CONFLICTS);
}

/** A record's values as text with sorted keys, so that two records compare by content alone. */
function canonical(values: Record<string, unknown> | undefined): string {
  return JSON.stringify(Object.entries(values ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}
