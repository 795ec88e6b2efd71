import type { SourceRecord, UpdateRow, WriteResult } from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import { handleDeletedSide } from './deletions.js';
import { type FieldSyncPlan, hasWrites, planFieldSync } from './field-sync.js';
import type { JobState } from './job-state.js';
import { pickValues } from './values.js';
import { recordWriteFailure } from './write-failure.js';

/** A coupling with both of its records as they are now (undefined: deleted on that side). */
export interface CoupledPair {
  coupling: CouplingRow;
  local: SourceRecord | undefined;
  integration: SourceRecord | undefined;
}

export interface PairOptions {
  /** Whole-record winner (synchronize action): every field takes this side's value. */
  winner?: Side;
  /** Per-field winners by local field name (synchronize action). */
  fieldWinners?: ReadonlyMap<string, Side>;
  /** For fresh couplings: the side whose record triggered the coupling wins where its data can flow. */
  preferredSide?: Side;
  /** How a resolved error is marked (default SYNCED: a job synced the record after all). */
  resolution?: string;
  /** Count pairs with nothing to do as unchanged (full sync, retries); otherwise they are silent. */
  countUnchanged?: boolean;
}

export type PairOutcome = 'MODIFIED' | 'UNCHANGED' | 'CONFLICT' | 'FAILED' | 'DELETED';

export interface PairResult {
  couplingId: number;
  outcome: PairOutcome;
  message: string | null;
}

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
  job: JobState,
  pairs: readonly CoupledPair[],
  writer: BatchWriter,
  options: PairOptions = {},
): Promise<PairResult[]> {
  const results: PairResult[] = [];
  const planned: PlannedPair[] = [];
  const deleted: CoupledPair[] = [];
  for (const pair of pairs) {
    job.handled.add(pair.coupling.id);
    if (!pair.local || !pair.integration) {
      deleted.push(pair);
      continue;
    }
    const complete = pair as PlannedPair['pair'];
    let plan: FieldSyncPlan;
    try {
      plan = planFieldSync({
        fields: job.mapping.fields,
        local: complete.local.values,
        integration: complete.integration.values,
        localSnapshot: pair.coupling.localValues,
        integrationSnapshot: pair.coupling.integrationValues,
        policy: job.mapping.updateConflictResolution,
        winner: options.winner,
        fieldWinners: options.fieldWinners,
        preferredSide: options.preferredSide,
      });
    } catch (error) {
      // A transform that throws rejects this record only.
      const message = `transform failed: ${(error as Error).message}`;
      recordWriteFailure(job, writer, pair.coupling, message, null);
      results.push({ couplingId: pair.coupling.id, outcome: 'FAILED', message });
      continue;
    }
    if (plan.conflicts.length > 0) {
      parkConflict(job, writer, complete, plan);
      results.push({
        couplingId: pair.coupling.id,
        outcome: 'CONFLICT',
        message: conflictMessage(plan.conflicts),
      });
      continue;
    }
    planned.push({ pair: complete, plan });
  }

  await writeSide(job, planned, 'INTEGRATION');
  await writeSide(job, planned, 'LOCAL');

  for (const item of planned) results.push(settlePair(job, writer, item, options));
  for (const pair of deleted) results.push(await handleDeletedSide(job, writer, pair));
  return results;
}

/** Sends one side's planned values in one batched call and attaches each row's result. */
async function writeSide(job: JobState, planned: PlannedPair[], side: Side): Promise<void> {
  const rows: UpdateRow[] = [];
  const owners: PlannedPair[] = [];
  for (const item of planned) {
    const values = side === 'LOCAL' ? item.plan.toLocal : item.plan.toIntegration;
    if (Object.keys(values).length === 0) continue;
    const record = side === 'LOCAL' ? item.pair.local : item.pair.integration;
    rows.push({ id: record.id, values });
    owners.push(item);
  }
  const results = await job.sideTable(side).update(rows);
  owners.forEach((item, index) => {
    const result = results[index] ?? { ok: false as const, message: 'connector returned no result for this row' };
    if (side === 'LOCAL') item.localResult = result;
    else item.integrationResult = result;
  });
}

/** Turns a planned pair's write results into the coupling's new state, its log entry and counters. */
function settlePair(job: JobState, writer: BatchWriter, item: PlannedPair, options: PairOptions): PairResult {
  const { pair, plan } = item;
  const failure = [item.integrationResult, item.localResult].find((result) => result && !result.ok);
  if (failure && !failure.ok) {
    // Nothing of this pair is recorded as synced, so the retry sees every change again; a side that was
    // written already then agrees with the other and is no conflict.
    recordWriteFailure(job, writer, pair.coupling, failure.message, failure.detail ?? null);
    return { couplingId: pair.coupling.id, outcome: 'FAILED', message: failure.message };
  }
  const now = Date.now();
  const localModifiedUs = item.localResult?.ok ? item.localResult.modifiedUs : pair.local.modifiedUs;
  const integrationModifiedUs = item.integrationResult?.ok
    ? item.integrationResult.modifiedUs
    : pair.integration.modifiedUs;
  const recovered = pair.coupling.failureCount > 0 || pair.coupling.retryRequested || pair.coupling.parked;
  if (item.localResult?.ok) job.rememberOwnWrite('LOCAL', item.localResult.id, item.localResult.modifiedUs);
  if (item.integrationResult?.ok) {
    job.rememberOwnWrite('INTEGRATION', item.integrationResult.id, item.integrationResult.modifiedUs);
  }
  const coupling: CouplingRow = {
    ...pair.coupling,
    localModifiedUs,
    integrationModifiedUs,
    localValues: plan.localAfter,
    integrationValues: plan.integrationAfter,
    parked: false,
    failureCount: 0,
    lastFailure: null,
    retryRequested: false,
    lastSyncedAt: now,
    lastJobId: job.jobId,
  };
  writer.updateCoupling(coupling);
  if (recovered || options.resolution) writer.resolveError(pair.coupling.id, options.resolution ?? 'SYNCED');

  if (!hasWrites(plan)) {
    if (options.countUnchanged || recovered) job.counters.unchanged++;
    else if (changedSinceSync(pair)) job.counters.unchanged++;
    return { couplingId: pair.coupling.id, outcome: 'UNCHANGED', message: null };
  }
  job.counters.modified++;
  const resolved = plan.resolvedConflicts;
  writer.log(
    job.logEntry(pair.coupling, {
      direction: directionOf(plan),
      action: 'UPDATE',
      changes: plan.changes,
      message:
        resolved.length > 0
          ? `update conflict on ${resolved.map((r) => r.field).join(', ')} resolved by policy ${job.mapping.updateConflictResolution}: ${resolved[0]?.winner === 'LOCAL' ? 'local' : 'integration'} side won`
          : null,
    }),
  );
  return { couplingId: pair.coupling.id, outcome: 'MODIFIED', message: null };
}

/** Parks an update conflict (policy NONE) with an error naming the fields; nothing is written. */
function parkConflict(job: JobState, writer: BatchWriter, pair: PlannedPair['pair'], plan: FieldSyncPlan): void {
  const message = conflictMessage(plan.conflicts);
  writer.updateCoupling({
    ...pair.coupling,
    parked: true,
    retryRequested: false,
    lastJobId: job.jobId,
  });
  writer.openError(
    job.errorEntry(pair.coupling, {
      kind: 'UPDATE_CONFLICT',
      message,
      detail: null,
      fields: plan.conflicts,
    }),
  );
  writer.log(
    job.logEntry(pair.coupling, {
      direction: null,
      action: 'CONFLICT',
      changes: conflictChanges(job, pair, plan.conflicts),
      message,
    }),
  );
  job.counters.failed++;
}

function conflictMessage(fields: readonly string[]): string {
  return `Both records changed since the last sync: ${fields.join(', ')}`;
}

/** For the log: each conflicting field's value on both sides. */
function conflictChanges(job: JobState, pair: PlannedPair['pair'], conflicts: readonly string[]) {
  const fields = job.mapping.fields.filter((field) => conflicts.includes(field.localField));
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

function changedSinceSync(pair: PlannedPair['pair']): boolean {
  return (
    pair.local.modifiedUs > (pair.coupling.localModifiedUs ?? -1) ||
    pair.integration.modifiedUs > (pair.coupling.integrationModifiedUs ?? -1)
  );
}

function directionOf(plan: FieldSyncPlan): string {
  const toIntegration = Object.keys(plan.toIntegration).length > 0;
  const toLocal = Object.keys(plan.toLocal).length > 0;
  if (toIntegration && toLocal) return 'BIDIRECTIONAL';
  return toIntegration ? 'TO_INTEGRATION' : 'FROM_INTEGRATION';
}
