import { t } from '../i18n';
import { kindLabel } from './labels';
import { queryFromLookup, type Side } from './record-log';
import type { ActionFailure } from './triage-actions';

/** One record of a failed item, with the link to its sync log. */
export interface FailedRecord {
  side: Side;
  /** "local 1042", "integration 7c0e…". */
  label: string;
  /** The record sync log page for it (`/log?mapping=…&side=…&record=…`). */
  to: { name: 'record-log'; query: Record<string, string> };
}

/** A failure as the action's result lists it: what it is about, and why. */
export interface NamedFailure {
  errorId: string;
  /**
   * "customers · Update conflict · 1042", as the page labels its rows; when the API no longer knows the
   * error, its row label if the page showed it, else its id.
   */
  title: string;
  records: FailedRecord[];
  code: string;
  reason: string;
}

function record(mappingId: string, side: Side, recordId: string): FailedRecord {
  return {
    side,
    label: t(side === 'LOCAL' ? 'actions.outcome.localRecord' : 'actions.outcome.integrationRecord', { id: recordId }),
    to: { name: 'record-log', query: queryFromLookup({ mappingId, side, recordId }) },
  };
}

/**
 * Names a failed item from the error the API returned with it, so that failures on pages never loaded (a
 * filter-wide or group action) are named like those on screen. Only an error the API could not return
 * falls back to the row's label, if the page showed it, or to its id.
 */
export function nameFailure(failure: ActionFailure, labels: ReadonlyMap<string, string>): NamedFailure {
  const { errorId, code, reason, error } = failure;
  if (!error) return { errorId, title: labels.get(errorId) ?? errorId, records: [], code, reason };
  const records: FailedRecord[] = [];
  if (error.localId !== null) records.push(record(error.mapping.id, 'LOCAL', error.localId));
  if (error.integrationId !== null) records.push(record(error.mapping.id, 'INTEGRATION', error.integrationId));
  const title = `${error.mapping.name} · ${kindLabel(error.kind)} · ${error.localId ?? error.integrationId ?? errorId}`;
  return { errorId, title, records, code, reason };
}
