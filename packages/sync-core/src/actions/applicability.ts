import type { Store } from '../db/orm.js';
import type { CouplingState, SyncErrorKind, SyncErrorStatus } from '../entities/enums.js';
import { toNumber } from '../repositories/sql-values.js';
import type { ErrorSelection } from './action-types.js';
import { BOTH_RECORDS_KINDS, DELETION_KINDS, selectionCondition } from './error-selection.js';

/** The triage actions of the errors page, in the order the console offers them. */
export const TRIAGE_ACTIONS = ['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE', 'RESTORE_RECORDS', 'DELETE_RECORDS'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/**
 * Which actions the actions themselves would accept for an error by its kind (docs/TRIAGE.md): taken from
 * the same kind lists the actions check. A resolved error takes none. `applicableActionsFor` adds what the
 * error's coupling tells.
 */
export function applicableActions(kind: SyncErrorKind, status: SyncErrorStatus): TriageAction[] {
  if (status !== 'OPEN') return [];
  const actions: TriageAction[] = ['REMOVE_COUPLING'];
  if (BOTH_RECORDS_KINDS.includes(kind)) actions.push('RETRY', 'SYNCHRONIZE');
  if (DELETION_KINDS.includes(kind)) actions.push('RESTORE_RECORDS', 'DELETE_RECORDS');
  return actions;
}

/**
 * Which actions would act on one error, judged from the store (kind, status and its coupling) — the same
 * rules the actions enforce before they touch an app, so the console offers nothing that the action then
 * refuses for these reasons. What only a fresh read of the apps can tell (a "deleted" record that exists
 * again, a record gone since) is still answered by the action, per item.
 */
export interface ErrorApplicabilityFacts {
  kind: SyncErrorKind;
  status: SyncErrorStatus;
  /** The error's coupling's state; null when the error has no coupling (every action needs one). */
  couplingState: CouplingState | null;
}

/**
 * Synchronize writes a coupled pair: a coupling that is not COUPLED (PENDING: the other record was never
 * created, the insert was rejected) has no pair to write — retry inserts it. synchronize.action.ts refuses
 * by this same test.
 */
export function synchronizeHasAPair(couplingState: CouplingState | null): boolean {
  return couplingState === 'COUPLED';
}

/** The actions that apply to one error, in the console's order (TRIAGE_ACTIONS). */
export function applicableActionsFor(facts: ErrorApplicabilityFacts): TriageAction[] {
  // Every action works through the error's coupling (error-selection.ts, `applicableCondition`).
  if (facts.couplingState === null) return [];
  return applicableActions(facts.kind, facts.status).filter(
    (action) => action !== 'SYNCHRONIZE' || synchronizeHasAPair(facts.couplingState),
  );
}

/** How many errors of a selection each action applies to, e.g. "Restore 1 of 2". */
export interface ActionCounts {
  /** The errors of the selection (a filter without statuses: the OPEN ones). */
  total: number;
  counts: Array<{ action: TriageAction; count: number }>;
}

/**
 * Counts per action for a selection (ids or filter, as the actions take it), with one grouped query: the
 * selection grouped by kind, status and coupling state, each group judged by `applicableActionsFor`.
 */
export async function countApplicableActions(store: Store, selection: ErrorSelection): Promise<ActionCounts> {
  const where = selectionCondition(selection);
  const rows = await store.sql.session((sql) =>
    sql.query<{ kind: SyncErrorKind; status: SyncErrorStatus; state: CouplingState | null; n: unknown }>(
      `select sync_error.kind as kind, sync_error.status as status, coupling.state as state, count(*) as n
         from sync_error left join coupling on coupling.id = sync_error.coupling_id
        where ${where.sql}
        group by sync_error.kind, sync_error.status, coupling.state`,
      where.params,
    ),
  );
  const counts = new Map<TriageAction, number>(TRIAGE_ACTIONS.map((action) => [action, 0]));
  let total = 0;
  for (const row of rows) {
    const n = toNumber(row.n);
    total += n;
    for (const action of applicableActionsFor({
      kind: row.kind,
      status: row.status,
      couplingState: row.state ?? null,
    })) {
      counts.set(action, counts.get(action)! + n);
    }
  }
  return { total, counts: TRIAGE_ACTIONS.map((action) => ({ action, count: counts.get(action)! })) };
}
