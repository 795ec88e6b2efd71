import type { SourceRecord, UpdateRow, WriteResult } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import type { BatchWriter } from './batch-writer.js';
import type { CoupledPair, PairOptions, PairResult } from './coupled-pair.js';
import { changedSinceSync, syncedSnapshots } from './coupling-state.js';
import { handleDeletedSide } from './deletions.js';
import { type FieldSyncPlan, hasWrites, planFieldSync } from './field-sync.js';
import type { SyncWork } from './sync-work.js';
import { pickValues } from './values.js';
import { recordWriteFailure } from './write-failure.js';

interface PlannedPair {
  pair: CoupledPair & { local: SourceRecord; integration: SourceRecord };
  plan: FieldSyncPlan;
  localResult?: WriteResult;
  integrationResult?: WriteResult;
}

/**
 * Synchronizes coupled pairs whose records were read (DESIGN.md rules 2, 4, 5, 6): plans each pair's
 * fields, writes both sides in batches, and records couplings, errors and log entries in `writer`.
 */
export async function syncCoupledPairs(
  work: SyncWork,
  pairs: readonly CoupledPair[],
  writer: BatchWriter,
  options: PairOptions = {},
): Promise<PairResult[]> {
  const results: PairResult[] = [];
  const planned: PlannedPair[] = [];
  const deleted: CoupledPair[] = [];
  for (const pair of pairs) {
    writer.report.handle(pair.coupling.id);
    if (!pair.local || !pair.integration) {
      deleted.push(pair);
      continue;
    }
    const complete = pair as PlannedPair['pair'];
    let plan: FieldSyncPlan;
    try {
      plan = planFieldSync({
        fields: work.mapping.fields,
        local: complete.local.values,
        integration: complete.integration.values,
        localSnapshot: pair.coupling.localValues,
        integrationSnapshot: pair.coupling.integrationValues,
        policy: work.mapping.updateConflictResolution,
        winner: options.winner,
        fieldWinners: options.fieldWinners,
        preferredSide: options.preferredSide,
      });
    } catch (error) {
      // A transform that throws rejects this record only.
      const message = `transform failed: ${(error as Error).message}`;
      recordWriteFailure(work, writer, pair.coupling, message, null);
      results.push({ couplingId: pair.coupling.id, outcome: 'FAILED', message });
      continue;
    }
    if (plan.conflicts.length > 0) {
      parkConflict(work, writer, complete, plan);
      results.push({
        couplingId: pair.coupling.id,
        outcome: 'CONFLICT',
        message: conflictMessage(plan.conflicts),
      });
      continue;
    }
    planned.push({ pair: complete, plan });
  }

  await writeSide(work, planned, 'INTEGRATION');
  await writeSide(work, planned, 'LOCAL');

  for (const item of planned) results.push(settlePair(work, writer, item, options));
  for (const pair of deleted) results.push(await handleDeletedSide(work, writer, pair));
  return results;
}

/** Sends one side's planned values in one batched call and attaches each row's result. */
async function writeSide(work: SyncWork, planned: PlannedPair[], side: Side): Promise<void> {
  const rows: UpdateRow[] = [];
  const owners: PlannedPair[] = [];
  for (const item of planned) {
    const values = side === 'LOCAL' ? item.plan.toLocal : item.plan.toIntegration;
    if (Object.keys(values).length === 0) continue;
    const record = side === 'LOCAL' ? item.pair.local : item.pair.integration;
    rows.push({ id: record.id, values });
    owners.push(item);
  }
  // The previous batch's store changes are written while the app writes this batch (SyncWork.commitLater).
  const results = await work.whileAppWrites(work.sideTable(side).update(rows));
  owners.forEach((item, index) => {
    const result = results[index] ?? { ok: false as const, message: 'connector returned no result for this row' };
    if (side === 'LOCAL') item.localResult = result;
    else item.integrationResult = result;
  });
}

/** Turns a planned pair's write results into the coupling's new state, its log entry and counters. */
function settlePair(work: SyncWork, writer: BatchWriter, item: PlannedPair, options: PairOptions): PairResult {
  const { pair, plan } = item;
  const failure = [item.integrationResult, item.localResult].find((result) => result && !result.ok);
  if (failure && !failure.ok) {
    // Nothing of this pair is recorded as synced, so the retry sees every change again; a side that was
    // written already then agrees with the other and is no conflict.
    recordWriteFailure(work, writer, pair.coupling, failure.message, failure.detail ?? null);
    return { couplingId: pair.coupling.id, outcome: 'FAILED', message: failure.message };
  }
  const localModifiedUs = item.localResult?.ok ? item.localResult.modifiedUs : pair.local.modifiedUs;
  const integrationModifiedUs = item.integrationResult?.ok
    ? item.integrationResult.modifiedUs
    : pair.integration.modifiedUs;
  const recovered = pair.coupling.failureCount > 0 || pair.coupling.retryRequested || pair.coupling.parked;
  if (item.localResult?.ok) writer.report.wrote('LOCAL', item.localResult);
  if (item.integrationResult?.ok) writer.report.wrote('INTEGRATION', item.integrationResult);
  writer.updateCoupling({
    ...pair.coupling,
    ...syncedSnapshots(
      work,
      { id: pair.local.id, modifiedUs: localModifiedUs, snapshot: plan.localAfter },
      { id: pair.integration.id, modifiedUs: integrationModifiedUs, snapshot: plan.integrationAfter },
    ),
  });
  if (recovered || options.resolution) writer.resolveError(pair.coupling.id, options.resolution ?? 'SYNCED');

  if (!hasWrites(plan)) {
    if (options.countUnchanged || recovered || changedOnEitherSide(pair)) writer.report.outcome('UNCHANGED');
    return { couplingId: pair.coupling.id, outcome: 'UNCHANGED', message: null };
  }
  writer.report.outcome('MODIFIED');
  const resolved = plan.resolvedConflicts;
  writer.log(
    work.logEntry(pair.coupling, {
      direction: directionOf(plan),
      action: 'UPDATE',
      changes: plan.changes,
      message:
        resolved.length > 0
          ? `update conflict on ${resolved.map((r) => r.field).join(', ')} resolved by policy ${work.mapping.updateConflictResolution}: ${resolved[0]?.winner === 'LOCAL' ? 'local' : 'integration'} side won`
          : null,
    }),
  );
  return { couplingId: pair.coupling.id, outcome: 'MODIFIED', message: null };
}

/** Parks an update conflict (rule 4, policy NONE) with an error naming the fields; nothing is written. */
function parkConflict(work: SyncWork, writer: BatchWriter, pair: PlannedPair['pair'], plan: FieldSyncPlan): void {
  const message = conflictMessage(plan.conflicts);
  writer.park(pair.coupling.id);
  writer.openError(
    work.errorEntry(pair.coupling, {
      kind: 'UPDATE_CONFLICT',
      message,
      detail: null,
      fields: plan.conflicts,
    }),
  );
  writer.log(
    work.logEntry(pair.coupling, {
      direction: null,
      action: 'CONFLICT',
      changes: conflictChanges(work, pair, plan.conflicts),
      message,
    }),
  );
  writer.report.outcome('CONFLICT_PARKED');
}

function conflictMessage(fields: readonly string[]): string {
  return `Both records changed since the last sync: ${fields.join(', ')}`;
}

/** For the log: each conflicting field's value on both sides. */
function conflictChanges(work: SyncWork, pair: PlannedPair['pair'], conflicts: readonly string[]) {
  const fields = work.mapping.fields.filter((field) => conflicts.includes(field.localField));
  const local = pickValues(
    pair.local.values,
    fields.map((f) => f.localField),
  );
  const integration = pickValues(
    pair.integration.values,
    fields.map((f) => f.integrationField),
  );
  return fields.flatMap((field) => [
    {
      side: 'LOCAL' as const,
      field: field.localField,
      before: pair.coupling.localValues?.[field.localField] ?? null,
      after: local[field.localField],
    },
    {
      side: 'INTEGRATION' as const,
      field: field.integrationField,
      before: pair.coupling.integrationValues?.[field.integrationField] ?? null,
      after: integration[field.integrationField],
    },
  ]);
}

function directionOf(plan: FieldSyncPlan): string {
  const toIntegration = Object.keys(plan.toIntegration).length > 0;
  const toLocal = Object.keys(plan.toLocal).length > 0;
  if (toIntegration && toLocal) return 'BIDIRECTIONAL';
  return toIntegration ? 'TO_INTEGRATION' : 'FROM_INTEGRATION';
}

function changedOnEitherSide(pair: PlannedPair['pair']): boolean {
  return (
    changedSinceSync(pair.coupling, 'LOCAL', pair.local) ||
    changedSinceSync(pair.coupling, 'INTEGRATION', pair.integration)
  );
}
