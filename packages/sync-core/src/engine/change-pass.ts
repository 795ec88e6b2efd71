import type { ChangeCursor, SourceRecord } from '../connectors/connector.js';
import { isParked, isUncoupled, needsAnotherLook } from '../couplings/coupling-state-machine.js';
import type { Side } from '../entities/enums.js';
import { CheckpointRepository } from '../repositories/checkpoint.repository.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import type { CoupledPair } from './coupled-pair.js';
import { changedSinceSync } from './coupling-state.js';
import type { JobRun } from './job-run.js';
import { otherSide, type SideTable } from './side-table.js';
import { syncCoupledPairs } from './sync-coupled.js';
import { syncUncoupledRecords } from './sync-uncoupled.js';

/**
 * Rule 1: reads one side's changes from its checkpoint, less the look-back window, batch by batch, and
 * synchronizes each batch; the checkpoint moves with the batch that commits it.
 */
export async function syncChanges(job: JobRun, side: Side): Promise<void> {
  const { work, run } = job;
  const { settings, mapping } = work;
  const table = work.sideTable(side);
  const stored = run.full ? null : (await new CheckpointRepository(work.sql).load(mapping.id, side)).cursor;
  let cursor: ChangeCursor | null = stored
    ? { modifiedUs: stored.modifiedUs - settings.lookBackMs * 1000 - 1, id: stored.id }
    : null;
  // A batch that changed nothing (our own writes read back, look-back re-reads) does not commit its
  // cursor on its own: it rides along with the next batch that writes, or the last one. After a crash
  // the worst case is reading those records once more.
  let unsaved: ChangeCursor | null = null;
  const batchSize = stored ? settings.batchSize : Math.max(settings.batchSize, settings.initialBatchSize);
  let reading = readAhead(table, cursor, batchSize);
  for (;;) {
    const records = await reading;
    if (records.length === 0) break;
    job.read(records.length);
    const last = records[records.length - 1]!;
    cursor = { modifiedUs: last.modifiedUs, id: last.id };
    const more = records.length === batchSize;
    // The next batch is read while this one is synchronized (an app behind a network answers meanwhile).
    if (more) reading = readAhead(table, cursor, batchSize);
    const writer = job.newWriter();
    await syncChangedRecords(job, side, records, writer);
    // The checkpoint only moves forward: a look-back re-read never rewinds it.
    if (!stored || last.modifiedUs >= stored.modifiedUs) unsaved = cursor;
    if (writer.isEmpty() && more) {
      job.progress(writer);
    } else {
      if (unsaved) writer.advanceCursor(side, unsaved);
      unsaved = null;
      // Written while the next batch's app write runs, when nothing the next batch reads depends on it.
      await job.commitLater(writer);
    }
    if (!more) break;
    await job.stopIfCancelled();
  }
  if (unsaved) {
    const writer = job.newWriter();
    writer.advanceCursor(side, unsaved);
    await job.commit(writer);
  }
  await job.commitWaiting();
}

/**
 * Starts reading the batch after `cursor`. The caller awaits it later; should the pass stop before that
 * (cancelled, failed), its failure must not surface as an unhandled rejection.
 */
function readAhead(table: SideTable, cursor: ChangeCursor | null, batchSize: number): Promise<SourceRecord[]> {
  const reading = table.readChanges(cursor, batchSize);
  reading.catch(() => undefined);
  return reading;
}

/** Sorts a batch of changed records into coupled pairs to sync and records to couple or insert. */
export async function syncChangedRecords(
  job: JobRun,
  side: Side,
  batch: readonly SourceRecord[],
  writer: BatchWriter,
): Promise<void> {
  const { work, run } = job;
  // What this job wrote itself comes back here unchanged: no need to look up its coupling.
  const records = run.full ? batch : batch.filter((r) => !job.isOwnWrite(side, r.id, r.modifiedUs));
  if (records.length === 0) return;
  const couplings = await work.findCouplings(
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
    if (job.hasHandled(coupling.id) || isUncoupled(coupling)) continue;
    const changed = changedSinceSync(coupling, side, record);
    if (isParked(coupling)) {
      // Rule 7: a parked coupling waits for an action; a change to its record does not release it.
      if (changed) writer.report.outcome('SKIPPED');
      writer.report.handle(coupling.id);
      continue;
    }
    if (coupling.state === 'PENDING') {
      pending.set(record.id, coupling);
      uncoupled.push(record);
      continue;
    }
    // Not later than what we stored is our own write or a look-back re-read.
    if (!changed && !run.full && !needsAnotherLook(coupling)) continue;
    toSync.push({ coupling, record });
  }
  await syncPairsOf(job, side, toSync, writer);
  await syncUncoupledRecords(work, side, uncoupled, writer, pending);
}

/** Fetches the counterpart of each record and syncs the pairs. */
async function syncPairsOf(
  job: JobRun,
  side: Side,
  items: ReadonlyArray<{ coupling: CouplingRow; record: SourceRecord }>,
  writer: BatchWriter,
): Promise<void> {
  if (items.length === 0) return;
  const other = otherSide(side);
  const counterpartIds = items.map(({ coupling }) => (other === 'LOCAL' ? coupling.localId : coupling.integrationId)!);
  const counterparts = new Map((await job.work.sideTable(other).getByIds(counterpartIds)).map((r) => [r.id, r]));
  const pairs: CoupledPair[] = items.map(({ coupling, record }) => {
    const counterpart = counterparts.get((other === 'LOCAL' ? coupling.localId : coupling.integrationId)!);
    return side === 'LOCAL'
      ? { coupling, local: record, integration: counterpart }
      : { coupling, local: counterpart, integration: record };
  });
  await syncCoupledPairs(job.work, pairs, writer, { countUnchanged: job.run.full });
}
