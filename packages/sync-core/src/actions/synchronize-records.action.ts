import type { Side } from '../entities/enums.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { placeholders, toNumber } from '../repositories/sql-values.js';
import type { ActionContext } from './action-types.js';
import { MAX_IDS_PER_CALL } from './error-selection.js';

/** Records to synchronize now: record ids of one side, or coupling ids (exactly one). */
export interface SynchronizeRecordsInput {
  mappingId: number;
  /** With `recordIds`: the side the ids are of. */
  side?: Side | null;
  recordIds?: readonly string[] | null;
  couplingIds?: readonly number[] | null;
}

/** Why one requested record is not in the job. */
export interface SynchronizeRecordsFailure {
  /** The record id or coupling id as given. */
  item: string;
  /** NOT_COUPLED (no coupling: couple it first), UNCOUPLED (its coupling was removed), PARKED (an open error holds it: triage it). */
  code: 'NOT_COUPLED' | 'UNCOUPLED' | 'PARKED';
  reason: string;
}

export interface SynchronizeRecordsResult {
  requested: number;
  /** Couplings the job synchronizes. */
  queued: number;
  failures: SynchronizeRecordsFailure[];
  /** The job scoped to the queued couplings; null when none could be queued. */
  jobId: number | null;
}

/**
 * Synchronize given records of a mapping now, by hand: one MANUAL job scoped to their couplings, requested by
 * the caller, whose log entries name the caller (job-runner.ts). The job syncs each coupled pair as a
 * normal run would (the mapping's direction and conflict rules). A record without a usable coupling is
 * refused per item with the action that can help. Bad input (both or neither list, empty, over 1,000, no side
 * with record ids, an unknown mapping) is refused whole before anything changes.
 */
export async function synchronizeRecords(
  ctx: ActionContext,
  input: SynchronizeRecordsInput,
): Promise<SynchronizeRecordsResult> {
  const byRecord = input.recordIds != null;
  if (byRecord === (input.couplingIds != null)) {
    throw new InvalidInputError('recordIds, couplingIds', 'give exactly one of recordIds and couplingIds');
  }
  const path = byRecord ? 'recordIds' : 'couplingIds';
  const items = [...new Set((byRecord ? input.recordIds! : input.couplingIds!).map(String))];
  if (items.length === 0) throw new InvalidInputError(path, 'is empty');
  if (items.length > MAX_IDS_PER_CALL) throw new InvalidInputError(path, `at most ${MAX_IDS_PER_CALL} per call`);
  if (byRecord && !input.side) throw new InvalidInputError('side', 'is required with recordIds');
  if (!ctx.queue) throw new InvalidInputError('mappingId', 'no job queue to run the records on');

  const column = !byRecord ? 'id' : input.side === 'LOCAL' ? 'local_id' : 'integration_id';
  const rows = await ctx.store.sql.session(async (sql) => {
    const mapping = await sql.query('select id from table_mapping where id = ?', [input.mappingId]);
    if (mapping.length === 0) throw new InvalidInputError('mappingId', `mapping ${input.mappingId} does not exist`);
    return sql.query<{ id: unknown; key: unknown; state: string; parked: unknown }>(
      `select id, ${column} as key, state, parked from coupling
        where mapping_id = ? and ${column} in (${placeholders(items.length)})`,
      [input.mappingId, ...(byRecord ? items : items.map(Number))],
    );
  });
  const byKey = new Map(rows.map((row) => [String(row.key), row]));
  const failures: SynchronizeRecordsFailure[] = [];
  const scope: number[] = [];
  for (const item of items) {
    const row = byKey.get(item);
    if (!row) {
      failures.push({
        item,
        code: 'NOT_COUPLED',
        reason: `${byRecord ? 'record' : 'coupling'} ${item} has no coupling in this mapping: couple it first (coupleRecords)`,
      });
    } else if (row.state === 'UNCOUPLED') {
      failures.push({ item, code: 'UNCOUPLED', reason: 'its coupling was removed: couple the records again first' });
    } else if (toNumber(row.parked)) {
      failures.push({ item, code: 'PARKED', reason: 'an open error holds it: retry or synchronize that error' });
    } else {
      scope.push(toNumber(row.id));
    }
  }
  if (scope.length === 0) return { requested: items.length, queued: 0, failures, jobId: null };
  const { jobId } = await ctx.queue.enqueue(input.mappingId, { trigger: 'MANUAL', scope, requestedBy: ctx.actor });
  return { requested: items.length, queued: scope.length, failures, jobId };
}
