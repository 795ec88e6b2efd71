import { t } from '../i18n';
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
  /** The button's words, in the console's language (Business Central's own terms in Swedish). */
  readonly label: string;
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

function actionInfo(action: DialogAction, destructive: boolean): ActionInfo {
  return {
    get label() {
      return t(`actions.${action}`);
    },
    destructive,
  };
}

export const ACTION_INFO: Record<DialogAction, ActionInfo> = {
  RETRY: actionInfo('RETRY', false),
  RETRY_ALL: actionInfo('RETRY_ALL', false),
  SYNCHRONIZE: actionInfo('SYNCHRONIZE', false),
  RESTORE_RECORDS: actionInfo('RESTORE_RECORDS', false),
  DELETE_RECORDS: actionInfo('DELETE_RECORDS', true),
  REMOVE_COUPLING: actionInfo('REMOVE_COUPLING', true),
};

const sideName = (side: Winner) => t(side === 'LOCAL' ? 'common.localSide' : 'common.integrationSide');

export interface Confirmation {
  title: string;
  body: string;
  confirmLabel: string;
}

/** "3 selected records", "all 1,234 records matching the filter" or "all 12 records in the group …". */
export function scopePhrase(scope: ActionScope): string {
  return scope.kind === 'filter'
    ? t('actions.scopeFilter', {
        count: countOf(scope.count, 'record'),
        what: scope.what ?? t('errors.what.matchingFilter'),
      })
    : countOf(scope.count, 'selectedRecord');
}

/**
 * Per action, how many errors of a selection it applies to, as `syncErrorActionCounts` answers (the API's
 * own rule: the console keeps no copy of it). Null until the API has answered, or when it refused.
 */
export type ActionCounts = ReadonlyMap<TriageAction, number>;

export function actionCountsFrom(
  answer: { __typename: string; counts?: readonly { action: TriageAction; count: number }[] } | null | undefined,
): ActionCounts | null {
  if (answer?.__typename !== 'SyncErrorActionCounts' || !answer.counts) return null;
  return new Map(answer.counts.map((entry) => [entry.action, entry.count]));
}

/** Toolbar buttons to enable: the actions at least one error of the selection allows. */
export function enabledActions(counts: ActionCounts | null): Set<TriageAction> {
  if (!counts) return new Set();
  return new Set(TRIAGE_ACTIONS.filter((action) => (counts.get(action) ?? 0) > 0));
}

/**
 * What the confirmation dialog says: how many records and what will happen to them, in the words of
 * the Coupled Data Synchronization Errors page. Errors of a kind the action does not fit are refused per
 * item by the API; the text says so where it can happen.
 */
export function confirmationText(action: DialogAction, scope: ActionScope, options: ActionOptions = {}): Confirmation {
  const what = scopePhrase(scope);
  const records = countOf(scope.count, 'record');
  switch (action) {
    case 'RETRY_ALL': {
      const refused = options.notRetriable ?? 0;
      const when = t(options.runNow ? 'actions.confirm.retryAllWhenNow' : 'actions.confirm.retryAllWhenLater');
      const which =
        scope.kind === 'filter' ? (scope.what ?? t('errors.what.matchingFilter')) : t('actions.confirm.selected');
      return {
        title: t('actions.confirm.retryAllTitle', { count: countOf(scope.count, 'openError'), what: which }),
        body:
          t('actions.confirm.retryAllBody', { when }) +
          (refused > 0
            ? ` ${t('actions.confirm.retryAllRefused', { deletions: countOf(refused, 'notRetriable') }, refused)}`
            : ''),
        confirmLabel: t('actions.confirm.retryAllLabel', { count: countOf(scope.count, 'error') }),
      };
    }
    case 'RETRY':
      return {
        title: t('actions.confirm.retryTitle', { what }),
        body: t(options.runNow ? 'actions.confirm.retryBodyNow' : 'actions.confirm.retryBodyLater'),
        confirmLabel: t('actions.confirm.retryLabel', { count: records }),
      };
    case 'SYNCHRONIZE': {
      const winner = sideName(options.winner ?? 'LOCAL');
      const loser = sideName(options.winner === 'INTEGRATION' ? 'LOCAL' : 'INTEGRATION');
      return {
        title: t('actions.confirm.synchronizeTitle', { what }),
        body: t('actions.confirm.synchronizeBody', { winner, loser }),
        confirmLabel: t('actions.confirm.synchronizeLabel', { count: records }),
      };
    }
    case 'RESTORE_RECORDS':
      return {
        title: t('actions.confirm.restoreTitle', { what }),
        body: t('actions.confirm.restoreBody'),
        confirmLabel: t('actions.confirm.restoreLabel', { count: records }),
      };
    case 'DELETE_RECORDS':
      return {
        title: t('actions.confirm.deleteTitle', { what }),
        body: t('actions.confirm.deleteBody'),
        confirmLabel: t('actions.confirm.deleteLabel', { count: records }),
      };
    case 'REMOVE_COUPLING':
      return {
        title: t('actions.confirm.removeTitle', { what }),
        body: t('actions.confirm.removeBody'),
        confirmLabel: t('actions.confirm.removeLabel', { count: records }),
      };
  }
}

/** The toolbar's words for an action on picked rows: "Restore records", or "Restore records 1 of 2". */
export function actionButtonLabel(action: TriageAction, allowing: number | undefined, selected: number): string {
  const label = ACTION_INFO[action].label;
  return allowing !== undefined && allowing > 0 && allowing < selected
    ? t('actions.partOf', { label, n: allowing, total: selected })
    : label;
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
  | {
      ok: true;
      requested: number;
      succeeded: number;
      failed: number;
      failures: ActionFailure[];
      jobIds: string[];
      /** Retry: errors released for the next job (not fixed); 0 for the other actions. */
      releasedForRetry: number;
      /** Retry with run now: the stored RETRY job that runs exactly the released couplings. */
      retryJobId: string | null;
    }
  | { ok: false; message: string };

interface ResultShape {
  __typename: string;
  requested?: number;
  succeeded?: number;
  failed?: number;
  failures?: readonly ActionFailure[];
  /** Jobs queued by a retry with runNow. */
  jobs?: readonly { id: string }[];
  releasedForRetry?: number;
  retryJob?: { id: string } | null;
  code?: string;
  message?: string;
}

/** Turns a mutation's union result (payload or typed error) into an outcome the dialog can show. */
export function actionOutcome(result: ResultShape | null | undefined): ActionOutcome {
  if (!result) return { ok: false, message: t('actions.noAnswer') };
  if (result.__typename === 'SyncErrorActionResult') {
    return {
      ok: true,
      requested: result.requested ?? 0,
      succeeded: result.succeeded ?? 0,
      failed: result.failed ?? 0,
      failures: [...(result.failures ?? [])],
      jobIds: (result.jobs ?? []).map((job) => job.id),
      releasedForRetry: result.releasedForRetry ?? 0,
      retryJobId: result.retryJob?.id ?? null,
    };
  }
  return { ok: false, message: result.message ?? t('actions.refused', { code: result.code ?? result.__typename }) };
}

export function isRetry(action: DialogAction): boolean {
  return action === 'RETRY' || action === 'RETRY_ALL';
}

/** One line for the notification after an action. */
export function outcomeSummary(action: DialogAction, outcome: ActionOutcome): string {
  const label = ACTION_INFO[action].label;
  if (!outcome.ok) return t('actions.failedSummary', { label, message: outcome.message });
  // Retry fixes nothing by itself: it releases records for a job, which says later how they fared.
  if (isRetry(action)) {
    const released = countOf(outcome.releasedForRetry, 'record');
    return outcome.failed > 0
      ? t('actions.releasedSummaryFailed', { label, released, failed: countOf(outcome.failed, 'record') })
      : t('actions.releasedSummary', { label, released });
  }
  const count = countOf(outcome.succeeded, 'record');
  return outcome.failed > 0
    ? t('actions.doneSummaryFailed', { label, count, failed: countOf(outcome.failed, 'record') })
    : t('actions.doneSummary', { label, count });
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
