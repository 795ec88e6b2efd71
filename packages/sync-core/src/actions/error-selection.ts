import type { StoreSql } from '../db/store-sql.js';
import type { SyncErrorKind } from '../entities/enums.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { placeholders, toNumber } from '../repositories/sql-values.js';
import { type SqlCondition, syncErrorFilterCondition } from '../repositories/sync-error-filter.js';
import { type ActionFailure, type ActionResult, type ErrorSelection, MAX_REPORTED_FAILURES } from './action-types.js';

/** Most ids one call may name; larger sets go by filter. */
export const MAX_IDS_PER_CALL = 1000;

/** One open error an action applies to, with what it needs to act. */
export interface SelectedError {
  id: number;
  mappingId: number;
  couplingId: number;
  kind: SyncErrorKind;
  localId: string | null;
  integrationId: string | null;
}

/**
 * The selection as SQL over `sync_error`. A filter without statuses means the OPEN errors: an action on
 * a resolved error has nothing to do.
 */
export function selectionCondition(selection: ErrorSelection): SqlCondition {
  const hasIds = selection.ids !== undefined && selection.ids !== null;
  const hasFilter = selection.filter !== undefined && selection.filter !== null;
  if (hasIds === hasFilter) throw new InvalidInputError('ids, filter', 'give exactly one of ids and filter');
  if (hasIds) {
    const ids = selection.ids!;
    if (ids.length === 0) throw new InvalidInputError('ids', 'is empty');
    if (ids.length > MAX_IDS_PER_CALL) {
      throw new InvalidInputError('ids', `at most ${MAX_IDS_PER_CALL} ids per call; use a filter for more`);
    }
    return { sql: `sync_error.id in (${placeholders(ids.length)})`, params: [...ids] };
  }
  const filter = selection.filter!;
  return syncErrorFilterCondition({ ...filter, statuses: filter.statuses?.length ? filter.statuses : ['OPEN'] });
}

/** The errors of the selection an action applies to: OPEN, of an applicable kind, with a coupling. */
export function applicableCondition(selection: ErrorSelection, kinds: readonly SyncErrorKind[]): SqlCondition {
  const base = selectionCondition(selection);
  return {
    sql: `${base.sql} and sync_error.status = 'OPEN' and sync_error.kind in (${placeholders(kinds.length)}) and sync_error.coupling_id is not null`,
    params: [...base.params, ...kinds],
  };
}

/** The condition narrowed to one mapping's errors: an action that must hold a mapping's lease works mapping by mapping. */
export function withinMapping(condition: SqlCondition, mappingId: number): SqlCondition {
  return { sql: `${condition.sql} and sync_error.mapping_id = ?`, params: [...condition.params, mappingId] };
}

/** The mappings the selection's errors belong to, in id order. */
export async function selectionMappings(sql: StoreSql, selection: ErrorSelection): Promise<number[]> {
  const base = selectionCondition(selection);
  const rows = await sql.query<{ mapping_id: unknown }>(
    `select distinct mapping_id from sync_error where ${base.sql} order by mapping_id`,
    base.params,
  );
  return rows.map((row) => toNumber(row.mapping_id));
}

/** What a selection of ids asks for that does not exist: counted as requested and failed NOT_FOUND. */
export async function notFoundRefusals(sql: StoreSql, selection: ErrorSelection): Promise<Refusals> {
  if (!selection.ids) return { requested: 0, failures: [], failed: 0 };
  const base = selectionCondition(selection);
  const found = new Set(
    (await sql.query<{ id: unknown }>(`select id from sync_error where ${base.sql}`, base.params)).map((r) =>
      toNumber(r.id),
    ),
  );
  const failures: ActionFailure[] = [];
  for (const id of new Set(selection.ids)) {
    if (!found.has(id)) failures.push({ errorId: id, code: 'NOT_FOUND', reason: `sync error ${id} does not exist` });
  }
  return { requested: failures.length, failures, failed: failures.length };
}

/** What was asked for, and what of it an action refuses (at most `MAX_REPORTED_FAILURES` listed). */
export interface Refusals {
  requested: number;
  failures: ActionFailure[];
  failed: number;
}

/**
 * Counts what was asked for and explains, per item, what the action will not do: ids that do not exist,
 * errors already resolved, and kinds the action does not apply to (`notApplicable` says why). With
 * `mappingId`, only that mapping's errors (the ids that do not exist belong to no mapping: see
 * `notFoundRefusals`).
 */
export async function refusals(
  sql: StoreSql,
  selection: ErrorSelection,
  kinds: readonly SyncErrorKind[],
  notApplicable: (kind: SyncErrorKind) => string,
  mappingId?: number,
): Promise<Refusals> {
  const selected = selectionCondition(selection);
  const base = mappingId === undefined ? selected : withinMapping(selected, mappingId);
  const failures: ActionFailure[] = [];
  let requested: number;
  let failed = 0;
  if (selection.ids && mappingId === undefined) {
    const missing = await notFoundRefusals(sql, selection);
    failures.push(...missing.failures);
    failed = missing.failed;
    requested = new Set(selection.ids).size;
  } else {
    const [row] = await sql.query<{ n: unknown }>(
      `select count(*) as n from sync_error where ${base.sql}`,
      base.params,
    );
    requested = toNumber(row?.n ?? 0);
  }
  const refusedWhere = `${base.sql} and (sync_error.status <> 'OPEN' or sync_error.kind not in (${placeholders(kinds.length)}) or sync_error.coupling_id is null)`;
  const [count] = await sql.query<{ n: unknown }>(`select count(*) as n from sync_error where ${refusedWhere}`, [
    ...base.params,
    ...kinds,
  ]);
  failed += toNumber(count?.n ?? 0);
  const refused = await sql.query<{ id: unknown; status: string; kind: SyncErrorKind; coupling_id: unknown }>(
    `select id, status, kind, coupling_id from sync_error where ${refusedWhere} order by id limit ?`,
    [...base.params, ...kinds, MAX_REPORTED_FAILURES],
  );
  for (const row of refused) {
    if (failures.length >= MAX_REPORTED_FAILURES) break;
    const errorId = toNumber(row.id);
    if (row.status !== 'OPEN') failures.push({ errorId, code: 'NOT_OPEN', reason: 'the error is already resolved' });
    else if (!kinds.includes(row.kind))
      failures.push({ errorId, code: 'ACTION_NOT_APPLICABLE', reason: notApplicable(row.kind) });
    else failures.push({ errorId, code: 'COUPLING_MISSING', reason: 'the error has no coupling left to act on' });
  }
  return { requested, failures, failed };
}

/** Adds refusals to a result: their requested and failed counts, their failures within the reported cap. */
export function addRefusals(result: ActionResult, refused: Refusals): void {
  result.requested += refused.requested;
  result.failed += refused.failed;
  const room = Math.max(0, MAX_REPORTED_FAILURES - result.failures.length);
  result.failures.push(...refused.failures.slice(0, room));
}

/**
 * Fails every error the condition selects with one code and reason (a mapping that stayed busy or could not
 * be opened): counted in one query, the first ones listed within the reported cap. Nothing else changes.
 */
export async function failAll(
  sql: StoreSql,
  condition: SqlCondition,
  failure: Omit<ActionFailure, 'errorId'>,
  result: ActionResult,
): Promise<void> {
  const [count] = await sql.query<{ n: unknown }>(
    `select count(*) as n from sync_error where ${condition.sql}`,
    condition.params,
  );
  const room = Math.max(0, MAX_REPORTED_FAILURES - result.failures.length);
  const listed =
    room === 0
      ? []
      : await sql.query<{ id: unknown }>(`select id from sync_error where ${condition.sql} order by id limit ?`, [
          ...condition.params,
          room,
        ]);
  result.failed += toNumber(count?.n ?? 0);
  for (const row of listed) result.failures.push({ ...failure, errorId: toNumber(row.id) });
}

/** Loads the applicable errors, at most `limit` after `afterId` (keyset), for actions that work per record. */
export async function loadApplicable(
  sql: StoreSql,
  condition: SqlCondition,
  afterId: number,
  limit: number,
): Promise<SelectedError[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `select id, mapping_id, coupling_id, kind, local_id, integration_id from sync_error
     where ${condition.sql} and sync_error.id > ? order by id limit ?`,
    [...condition.params, afterId, limit],
  );
  return rows.map((row) => ({
    id: toNumber(row.id),
    mappingId: toNumber(row.mapping_id),
    couplingId: toNumber(row.coupling_id),
    kind: row.kind as SyncErrorKind,
    localId: (row.local_id as string | null) ?? null,
    integrationId: (row.integration_id as string | null) ?? null,
  }));
}

export function emptyResult(): ActionResult {
  return { requested: 0, succeeded: 0, failed: 0, failures: [], jobIds: [] };
}

/** Adds one item's failure, keeping the reported list within its cap. */
export function addFailure(result: ActionResult, failure: ActionFailure): void {
  result.failed++;
  if (result.failures.length < MAX_REPORTED_FAILURES) result.failures.push(failure);
}

export const DELETION_KINDS: readonly SyncErrorKind[] = ['LOCAL_RECORD_DELETED', 'INTEGRATION_RECORD_DELETED'];
export const BOTH_RECORDS_KINDS: readonly SyncErrorKind[] = ['UPDATE_CONFLICT', 'WRITE_FAILED'];
export const ALL_KINDS: readonly SyncErrorKind[] = [...BOTH_RECORDS_KINDS, ...DELETION_KINDS];
