import type { ChangeCursor, SourceRecord } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { loadResolvedMapping } from '../mappings/table-mapping.repository.js';
import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import { JobState, otherSide } from './job-state.js';
import { openSide } from './open-side.js';
import { RetryThrottle } from './retry-throttle.js';
import { DEFAULT_ENGINE_SETTINGS, type SyncContext } from './sync-context.js';
import { type CoupledPair, syncCoupledPairs } from './sync-coupled.js';
import { emptyCounters, type SyncOutcome, type SyncRun } from './sync-run.js';
import { syncUncoupledRecords } from './sync-uncoupled.js';

/** Thrown between batches when the job was asked to stop; everything before it is committed. */
class Cancelled extends Error {}

/**
 * Runs one job of one mapping: DESIGN.md "How a job synchronizes", rules 1–9. Never throws: a failure of
 * the job itself (a connector that stays down, a mapping that does not fit its tables) is a FAILED
 * outcome with a message, and every batch committed before it stays valid for the next run.
 *
 * A normal run has three passes: couplings that need attention (released for retry, failed once, or
 * left PENDING), then the changes of each side since its checkpoint, then — when due, and always on a
 * full sync — a scan for coupled records deleted on one side. A RETRY run does only its scope.
 */
export async function runSync(context: SyncContext, run: SyncRun): Promise<SyncOutcome> {
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...context.settings };
  let job: JobState | null = null;
  try {
    const mapping = await loadResolvedMapping(context.store.em(), run.mappingId);
    if (!mapping)
      return { status: 'FAILED', counters: emptyCounters(), message: `mapping ${run.mappingId} does not exist` };
    const local = await openSide(context, mapping, 'LOCAL', settings);
    const integration = await openSide(context, mapping, 'INTEGRATION', settings);
    job = new JobState(context, run, mapping, local, integration, settings, context.store.sql);

    if (run.scope) {
      await syncScope(job, run.scope);
    } else {
      await syncCouplingsNeedingAttention(job);
      await syncChanges(job, 'LOCAL');
      await syncChanges(job, 'INTEGRATION');
      await scanDeletionsWhenDue(job);
    }
    return {
      status: job.counters.failed > 0 ? 'PARTIAL' : 'SUCCEEDED',
      counters: { ...job.counters },
      message: job.counters.failed > 0 ? `${plural(job.counters.failed, 'record')} could not be synchronized` : null,
    };
  } catch (error) {
    const counters = job ? { ...job.counters } : emptyCounters();
    if (error instanceof Cancelled) return { status: 'CANCELLED', counters, message: 'cancelled on request' };
    return { status: 'FAILED', counters, message: failureMessage(error) };
  }
}

/**
 * The sentence a FAILED job shows. Tandem's own errors are written for people already; a driver error
 * from the store starts with the whole SQL statement (knex's "SQL - reason"), which only the reason
 * should survive.
 */
function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    message.length > 300 && message.includes(' - ') ? message.slice(message.lastIndexOf(' - ') + 3) : message;
  return reason.length > 1000 ? `${reason.slice(0, 1000)}…` : reason;
}

async function stopIfCancelled(job: JobState): Promise<void> {
  if (await job.run.isCancelRequested()) throw new Cancelled();
}

/** Rule 1: read one side's changes from its checkpoint, less the look-back window, batch by batch. */
async function syncChanges(job: JobState, side: Side): Promise<void> {
  const { settings, run, mapping } = job;
  const table = job.sideTable(side);
  const stored = run.full ? null : (await new CheckpointRepository(job.sql).load(mapping.id, side)).cursor;
  let cursor: ChangeCursor | null = stored
    ? { modifiedUs: stored.modifiedUs - settings.lookBackMs * 1000 - 1, id: stored.id }
    : null;
  // A batch that changed nothing (our own writes read back, look-back re-reads) does not commit its
  // cursor on its own: it rides along with the next batch that writes, or the last one. After a crash
  // the worst case is reading those records once more.
  let unsaved: ChangeCursor | null = null;
  const batchSize = stored ? settings.batchSize : Math.max(settings.batchSize, settings.initialBatchSize);
  for (;;) {
    const records = await table.readChanges(cursor, batchSize);
    if (records.length === 0) break;
    job.counters.processed += records.length;
    const writer = job.newWriter();
    await syncChangedRecords(job, side, records, writer);
    const last = records[records.length - 1]!;
    cursor = { modifiedUs: last.modifiedUs, id: last.id };
    // The checkpoint only moves forward: a look-back re-read never rewinds it.
    if (!stored || last.modifiedUs >= stored.modifiedUs) unsaved = cursor;
    const more = records.length === batchSize;
    if (writer.isEmpty() && more) {
      job.run.onProgress({ ...job.counters });
    } else {
      if (unsaved) writer.advanceCursor(side, unsaved);
      unsaved = null;
      await job.commit(writer);
    }
    if (!more) break;
    await stopIfCancelled(job);
  }
  if (unsaved) {
    const writer = job.newWriter();
    writer.advanceCursor(side, unsaved);
    await job.commit(writer);
  }
}

/** Sorts a batch of changed records into coupled pairs to sync and records to couple or insert. */
async function syncChangedRecords(
  job: JobState,
  side: Side,
  batch: readonly SourceRecord[],
  writer: BatchWriter,
): Promise<void> {
  const { mapping, run } = job;
  // What this job wrote itself comes back here unchanged: no need to look up its coupling.
  const records = run.full ? batch : batch.filter((r) => !job.isOwnWrite(side, r.id, r.modifiedUs));
  if (records.length === 0) return;
  const couplings = await job.couplings.findBySideIds(
    mapping.id,
    side,
    records.map((r) => r.id),
  );
  const couplingOf = new Map(couplings.map((c) => [(side === 'LOCAL' ? c.localId : c.integrationId)!, c]));
  const toSync: Array<{ coupling: CouplingRow; record: SourceRecord }> = [];
  const uncoupled: SourceRecord[] = [];
  const pending = new Map<string, CouplingRow>();
  for (const record of records) {
    const coupling = couplingOf.get(record.id);
    if (!coupling) {
      uncoupled.push(record);
      continue;
    }
    // Removed couplings keep their row so that their records are not coupled or copied again.
    if (job.handled.has(coupling.id) || coupling.state === 'UNCOUPLED') continue;
    const storedUs = side === 'LOCAL' ? coupling.localModifiedUs : coupling.integrationModifiedUs;
    const changed = storedUs === null || record.modifiedUs > storedUs;
    if (coupling.parked) {
      // Rule 7: a parked coupling waits for an action; a change to its record does not release it.
      if (changed) job.counters.skipped++;
      job.handled.add(coupling.id);
      continue;
    }
    if (coupling.state === 'PENDING') {
      pending.set(record.id, coupling);
      uncoupled.push(record);
      continue;
    }
    // Rule 2: not later than what we stored is our own write or a look-back re-read.
    if (!changed && !run.full && !coupling.retryRequested && coupling.failureCount === 0) continue;
    toSync.push({ coupling, record });
  }
  await syncPairsOf(job, side, toSync, writer);
  await syncUncoupledRecords(job, side, uncoupled, writer, pending);
}

/** Fetches the counterpart of each record and syncs the pairs. */
async function syncPairsOf(
  job: JobState,
  side: Side,
  items: ReadonlyArray<{ coupling: CouplingRow; record: SourceRecord }>,
  writer: BatchWriter,
): Promise<void> {
  if (items.length === 0) return;
  const other = otherSide(side);
  const counterpartIds = items.map(({ coupling }) => (other === 'LOCAL' ? coupling.localId : coupling.integrationId)!);
  const counterparts = new Map((await job.sideTable(other).getByIds(counterpartIds)).map((r) => [r.id, r]));
  const pairs: CoupledPair[] = items.map(({ coupling, record }) => {
    const counterpart = counterparts.get((other === 'LOCAL' ? coupling.localId : coupling.integrationId)!);
    return side === 'LOCAL'
      ? { coupling, local: record, integration: counterpart }
      : { coupling, local: counterpart, integration: record };
  });
  await syncCoupledPairs(job, pairs, writer, { countUnchanged: job.run.full });
}

/** Rule 7: couplings released for retry, failed once (not parked yet), or PENDING an insert. */
async function syncCouplingsNeedingAttention(job: JobState): Promise<void> {
  const throttle = new RetryThrottle(job.settings.retryRecordsPerSecond);
  let afterId = 0;
  for (;;) {
    const couplings = await job.couplings.findNeedingAttention(job.mapping.id, afterId, job.settings.batchSize);
    if (couplings.length === 0) return;
    await syncCouplings(job, couplings);
    await throttle.after(couplings.length);
    afterId = couplings[couplings.length - 1]!.id;
    if (couplings.length < job.settings.batchSize) return;
    await stopIfCancelled(job);
  }
}

/** A RETRY job: exactly the released couplings it was given. */
async function syncScope(job: JobState, couplingIds: readonly number[]): Promise<void> {
  const throttle = new RetryThrottle(job.settings.retryRecordsPerSecond);
  for (let i = 0; i < couplingIds.length; i += job.settings.batchSize) {
    const couplings = (await job.couplings.findByIds(couplingIds.slice(i, i + job.settings.batchSize))).filter(
      (c) => c.mappingId === job.mapping.id && !c.parked && c.state !== 'UNCOUPLED',
    );
    await syncCouplings(job, couplings);
    await throttle.after(couplings.length);
    await stopIfCancelled(job);
  }
}

/** Reads both records of each coupling (or the source of a PENDING one) and syncs them as one batch. */
async function syncCouplings(job: JobState, couplings: readonly CouplingRow[]): Promise<void> {
  const writer = job.newWriter();
  const coupled = couplings.filter((c) => c.state === 'COUPLED' && !job.handled.has(c.id));
  const [locals, integrations] = await Promise.all([
    job.local.getByIds(coupled.map((c) => c.localId!)),
    job.integration.getByIds(coupled.map((c) => c.integrationId!)),
  ]);
  const localById = new Map(locals.map((r) => [r.id, r]));
  const integrationById = new Map(integrations.map((r) => [r.id, r]));
  job.counters.processed += coupled.length;
  await syncCoupledPairs(
    job,
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
    const records = await job.sideTable(source).getByIds(pending.map(idOf));
    const present = new Set(records.map((r) => r.id));
    // The source record is gone: nothing is left to insert.
    for (const coupling of pending) if (!present.has(idOf(coupling))) writer.deleteCoupling(coupling.id);
    job.counters.processed += records.length;
    await syncUncoupledRecords(job, source, records, writer, new Map(pending.map((c) => [idOf(c), c])));
  }
  await job.commit(writer);
}

/** Rule 5 for records whose counterpart nobody changed: page through couplings and look for gaps. */
async function scanDeletionsWhenDue(job: JobState): Promise<void> {
  const checkpoints = new CheckpointRepository(job.sql);
  const { deletionScanAt } = await checkpoints.load(job.mapping.id, 'LOCAL');
  const now = Date.now();
  if (!job.run.full) {
    if (deletionScanAt === null) {
      await checkpoints.saveDeletionScan(job.mapping.id, 'LOCAL', now);
      return;
    }
    if (now - deletionScanAt < job.settings.deletionScanSeconds * 1000) return;
  }
  let afterId = 0;
  for (;;) {
    const page = await job.couplings.pageCoupled(job.mapping.id, afterId, job.settings.batchSize);
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const unchecked = page.filter((c) => !job.handled.has(c.id));
    const [locals, integrations] = await Promise.all([
      job.local.existingIds(unchecked.map((c) => c.localId!)),
      job.integration.existingIds(unchecked.map((c) => c.integrationId!)),
    ]);
    const gaps = unchecked.filter((c) => !locals.has(c.localId!) || !integrations.has(c.integrationId!));
    if (gaps.length > 0) await syncCouplings(job, gaps);
    if (page.length < job.settings.batchSize) break;
    await stopIfCancelled(job);
  }
  await checkpoints.saveDeletionScan(job.mapping.id, 'LOCAL', now);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
