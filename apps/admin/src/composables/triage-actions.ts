import { countOf, type SyncErrorKind, type TriageAction } from './labels';
import type { ActionScope } from './selection';

/** What the action dialog runs: a triage action, or "Retry all" (every open error matching the filter). */
export type DialogAction = TriageAction | 'RETRY_ALL';

export type Winner = 'LOCAL' | 'INTEGRATION';

export interface ActionOptions {
  /** Retry: queue the mapping's job at once instead of waiting for its schedule. */
  runNow?: boolean;
  /** Synchronize: the side whose values win. */
  winner?: Winner;
  /** Synchronize: fields whose winner differs from `winner` (the detail panel's per-field choice). */
  fieldWinners?: { field: string; winner: Winner }[];
  /** Retry all: how many of the errors are deletions (refused per item), for the confirmation. */
  notRetriable?: number;
}

interface ActionInfo {
  label: string;
  /** Irreversible in the apps' data: the dialog's button is red. */
  destructive: boolean;
}

/** The order of the toolbar: the safe, common action first. */
export const TRIAGE_ACTIONS = [
  'RETRY',
  'SYNCHRONIZE',
  'RESTORE_RECORDS',
  'DELETE_RECORDS',
  'REMOVE_COUPLING',
] as const satisfies readonly TriageAction[];

export const ACTION_INFO: Record<DialogAction, ActionInfo> = {
  RETRY: { label: 'Retry', destructive: false },
  RETRY_ALL: { label: 'Retry all', destructive: false },
  SYNCHRONIZE: { label: 'Synchronize', destructive: false },
  RESTORE_RECORDS: { label: 'Restore records', destructive: false },
  DELETE_RECORDS: { label: 'Delete records', destructive: true },
  REMOVE_COUPLING: { label: 'Remove coupling', destructive: true },
};

const SIDE_NAMES: Record<Winner, string> = { LOCAL: 'local', INTEGRATION: 'integration' };

export interface Confirmation {
  title: string;
  body: string;
  confirmLabel: string;
}

/** Kinds whose two records both exist: what retry and synchronize need (DESIGN.md, triage actions). */
const BOTH_RECORDS: readonly SyncErrorKind[] = ['UPDATE_CONFLICT', 'WRITE_FAILED'];

/**
 * The actions that apply to every error of a kind, in toolbar order: what a group of that kind offers
 * (the API's own per-error `actions` follow the same table).
 */
export function actionsForKind(kind: SyncErrorKind): TriageAction[] {
  const bothExist = BOTH_RECORDS.includes(kind);
  return TRIAGE_ACTIONS.filter((action) => {
    if (action === 'REMOVE_COUPLING') return true;
    if (action === 'RETRY' || action === 'SYNCHRONIZE') return bothExist;
    return !bothExist;
  });
}

/** "3 selected records", "all 1,234 records matching the filter" or "all 12 records in the group …". */
export function scopePhrase(scope: ActionScope): string {
  return scope.kind === 'filter'
    ? `all ${countOf(scope.count, 'record')} ${scope.what ?? 'matching the filter'}`
    : countOf(scope.count, 'selected record');
}

/** Retry all: how many of the open errors are deletions, which retry refuses (it needs both records). */
export function notRetriable(byKind: readonly { kind: SyncErrorKind; count: number }[]): number {
  return byKind.filter((entry) => !BOTH_RECORDS.includes(entry.kind)).reduce((sum, entry) => sum + entry.count, 0);
}

/**
 * What the confirmation dialog says: how many records and what will happen to them, in the words of
 * the Coupled Data Synchronization Errors page. Errors of a kind the action does not fit are refused per
 * item by the API; the text says so where it can happen.
 */
export function confirmationText(action: DialogAction, scope: ActionScope, options: ActionOptions = {}): Confirmation {
  const what = scopePhrase(scope);
  switch (action) {
    case 'RETRY_ALL': {
      const refused = options.notRetriable ?? 0;
      const when = options.runNow
        ? 'a job of each mapping is queued now to synchronize them again'
        : 'the next scheduled job synchronizes them again';
      return {
        title: `Retry all ${countOf(scope.count, 'open error')} ${scope.kind === 'filter' ? (scope.what ?? 'matching the filter') : 'selected'}?`,
        body:
          `Every open error matching the filter now is retried, including any that opened since the list was loaded: their couplings are released and ${when}. Records that fail again come back to this list.` +
          (refused > 0
            ? ` ${countOf(refused, 'of them is a deletion', 'of them are deletions')}: retry needs both records, so ${refused === 1 ? 'it is' : 'they are'} refused and ${refused === 1 ? 'stays' : 'stay'} open.`
            : ''),
        confirmLabel: `Retry all ${countOf(scope.count, 'error')}`,
      };
    }
    case 'RETRY':
      return {
        title: `Retry ${what}?`,
        body: options.runNow
          ? 'Their couplings are released and a job of each mapping is queued now to synchronize them again. Records that fail again come back to this list.'
          : 'Their couplings are released so that the next scheduled job synchronizes them again. Records that fail again come back to this list.',
        confirmLabel: `Retry ${countOf(scope.count, 'record')}`,
      };
    case 'SYNCHRONIZE': {
      const winner = SIDE_NAMES[options.winner ?? 'LOCAL'];
      const loser = SIDE_NAMES[options.winner === 'INTEGRATION' ? 'LOCAL' : 'INTEGRATION'];
      return {
        title: `Synchronize ${what} now?`,
        body: `The ${winner} values win: they overwrite the ${loser} record's mapped fields now, and the errors are resolved. Only update conflicts and failed writes can be synchronized; other errors are refused and stay open.`,
        confirmLabel: `Synchronize ${countOf(scope.count, 'record')}`,
      };
    }
    case 'RESTORE_RECORDS':
      return {
        title: `Restore ${what}?`,
        body: 'Each deleted record is created again from the copy on the other side and coupled to it; the errors are resolved. Only deletion errors can be restored; other errors are refused and stay open.',
        confirmLabel: `Restore ${countOf(scope.count, 'record')}`,
      };
    case 'DELETE_RECORDS':
      return {
        title: `Delete ${what}?`,
        body: 'Where one side deleted a record, the copy that still exists on the other side is deleted too and the coupling removed. This deletes data in the app and cannot be undone here. Only deletion errors apply; other errors are refused and stay open.',
        confirmLabel: `Delete ${countOf(scope.count, 'record')}`,
      };
    case 'REMOVE_COUPLING':
      return {
        title: `Remove the coupling of ${what}?`,
        body: 'Both records stay as they are in both apps, but they are no longer coupled and no longer synchronize; the errors are resolved. Coupling them again is done from the record, not undone here.',
        confirmLabel: `Remove coupling of ${countOf(scope.count, 'record')}`,
      };
  }
}

/**
 * Toolbar buttons to enable: with rows picked, the actions that apply to at least one of them (as the API
 * reports in `actions`); with "all matching", every action (the API refuses what does not apply, per item).
 */
export function enabledActions(
  scope: ActionScope | null,
  selectedRows: readonly { actions: readonly TriageAction[] }[],
): Set<TriageAction> {
  if (!scope) return new Set();
  if (scope.kind === 'filter') return new Set(TRIAGE_ACTIONS);
  return new Set(selectedRows.flatMap((row) => row.actions));
}

/** The error an action failed on, as the API returns it with the failure. */
export interface FailedError {
  id: string;
  kind: SyncErrorKind;
  localId: string | null;
  integrationId: string | null;
  mapping: { id: string; name: string };
}

export interface ActionFailure {
  errorId: string;
  code: string;
  reason: string;
  /** Null when the error does not exist (a stale id); absent from answers that did not ask for it. */
  error?: FailedError | null;
}

/** What an action did, whichever mutation ran: per-item counts, or why nothing was done. */
export type ActionOutcome =
  | { ok: true; requested: number; succeeded: number; failed: number; failures: ActionFailure[]; jobIds: string[] }
  | { ok: false; message: string };

interface ResultShape {
  __typename: string;
  requested?: number;
  succeeded?: number;
  failed?: number;
  failures?: readonly ActionFailure[];
  /** Jobs queued by a retry with runNow. */
  jobs?: readonly { id: string }[];
  code?: string;
  message?: string;
}

/** Turns a mutation's union result (payload or typed error) into an outcome the dialog can show. */
export function actionOutcome(result: ResultShape | null | undefined): ActionOutcome {
  if (!result) return { ok: false, message: 'The API gave no answer.' };
  if (result.__typename === 'SyncErrorActionResult') {
    return {
      ok: true,
      requested: result.requested ?? 0,
      succeeded: result.succeeded ?? 0,
      failed: result.failed ?? 0,
      failures: [...(result.failures ?? [])],
      jobIds: (result.jobs ?? []).map((job) => job.id),
    };
  }
  return { ok: false, message: result.message ?? `The action was refused (${result.code ?? result.__typename}).` };
}

/** One line for the notification after an action. */
export function outcomeSummary(action: DialogAction, outcome: ActionOutcome): string {
  if (!outcome.ok) return `${ACTION_INFO[action].label} failed: ${outcome.message}`;
  const done = `${ACTION_INFO[action].label}: ${countOf(outcome.succeeded, 'record')} succeeded`;
  return outcome.failed > 0 ? `${done}, ${countOf(outcome.failed, 'record')} failed` : done;
}

/** What the page's action dialog is asked to confirm and run. */
export interface ActionRequest {
  action: DialogAction;
  /** Frozen when asked: the dialog's count is what will be sent, even if the list refreshes meanwhile. */
  scope: ActionScope;
  /** Retry all: deletions among the errors, which it refuses. */
  notRetriable?: number;
  /** Row labels by error id, to name the records a failure is about. */
  labels?: ReadonlyMap<string, string>;
}
