import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { JobRun } from './job-run.js';
import { RetryThrottle } from './retry-throttle.js';
import { syncCoupledPairs } from './sync-coupled.js';
import { syncUncoupledRecords } from './sync-uncoupled.js';

/**
 * Rule 7's second chance: couplings released for retry, failed once (not parked yet), or PENDING an
 * insert, looked at although their records may not have changed. Throttled: bulk retry must not flood an app.
 */
export async function syncCouplingsNeedingAttention(job: JobRun): Promise<void> {
  const { work } = job;
  const throttle = new RetryThrottle(work.settings.retryRecordsPerSecond);
  let afterId = 0;
  for (;;) {
    const couplings = await work.couplings.findNeedingAttention(work.mapping.id, afterId, work.settings.batchSize);
    if (couplings.length === 0) return;
    await syncCouplings(job, couplings);
    await throttle.after(couplings.length);
    afterId = couplings[couplings.length - 1]!.id;
    if (couplings.length < work.settings.batchSize) return;
    await job.stopIfCancelled();
  }
}

/** A RETRY job: exactly the released couplings it was given, less those parked or uncoupled since. */
export async function syncScope(job: JobRun, couplingIds: readonly number[]): Promise<void> {
  const { work } = job;
  const throttle = new RetryThrottle(work.settings.retryRecordsPerSecond);
  for (let i = 0; i < couplingIds.length; i += work.settings.batchSize) {
    const slice = couplingIds.slice(i, i + work.settings.batchSize);
    const couplings = await work.couplings.findSyncableByIds(work.mapping.id, slice);
    await syncCouplings(job, couplings);
    await throttle.after(couplings.length);
    await job.stopIfCancelled();
  }
}

/** Reads both records of each coupling (or the source of a PENDING one) and syncs them as one batch. */
export async function syncCouplings(job: JobRun, couplings: readonly CouplingRow[]): Promise<void> {
  const { work } = job;
  const writer = job.newWriter();
  const coupled = couplings.filter((c) => c.state === 'COUPLED' && !job.hasHandled(c.id));
  const [locals, integrations] = await Promise.all([
    work.local.getByIds(coupled.map((c) => c.localId!)),
    work.integration.getByIds(coupled.map((c) => c.integrationId!)),
  ]);
  const localById = new Map(locals.map((r) => [r.id, r]));
  const integrationById = new Map(integrations.map((r) => [r.id, r]));
  job.read(coupled.length);
  await syncCoupledPairs(
    work,
    coupled.map((coupling) => ({
      coupling,
      local: localById.get(coupling.localId!),
      integration: integrationById.get(coupling.integrationId!),
    })),
    writer,
    { countUnchanged: true },
  );

  for (const source of ['LOCAL', 'INTEGRATION'] as const) {
    const pending = couplings.filter(
      (c) => c.state === 'PENDING' && (source === 'LOCAL' ? c.localId : c.integrationId) !== null,
    );
    if (pending.length === 0) continue;
    const idOf = (c: CouplingRow) => (source === 'LOCAL' ? c.localId : c.integrationId)!;
    const records = await work.sideTable(source).getByIds(pending.map(idOf));
    const present = new Set(records.map((r) => r.id));
    // The source record is gone: nothing is left to insert.
    for (const coupling of pending) if (!present.has(idOf(coupling))) writer.deleteCoupling(coupling.id);
    job.read(records.length);
    await syncUncoupledRecords(work, source, records, writer, new Map(pending.map((c) => [idOf(c), c])));
  }
  await job.commit(writer);
}
