import { t } from '../i18n';
import type { Winner } from './triage-actions';

/** One mapped field of an error's two records, as `SyncError.records.fields` gives it. */
export interface ComparedField {
  localField: string;
  integrationField: string;
  local?: unknown;
  integration?: unknown;
  lastSyncedLocal?: unknown;
  lastSyncedIntegration?: unknown;
  conflicting: boolean;
  changedLocally: boolean | null;
  changedInIntegration: boolean | null;
}

/** The two sides hold different values now (compared as JSON, so 1 and "1" differ, as they do in the apps). */
export function valuesDiffer(field: Pick<ComparedField, 'local' | 'integration'>): boolean {
  return JSON.stringify(field.local ?? null) !== JSON.stringify(field.integration ?? null);
}

/**
 * Synchronize's choice: a side that wins for the whole record, and the fields where the user picked the
 * other side. Keyed by local field name (the API accepts either side's name).
 */
export interface WinnerChoice {
  winner: Winner;
  overrides: Readonly<Record<string, Winner>>;
}

export function initialWinnerChoice(winner: Winner = 'LOCAL'): WinnerChoice {
  return { winner, overrides: {} };
}

export function winnerOf(choice: WinnerChoice, localField: string): Winner {
  return choice.overrides[localField] ?? choice.winner;
}

/** Picks a side for one field; picking the record's side drops the override, so the input stays minimal. */
export function chooseField(choice: WinnerChoice, localField: string, winner: Winner): WinnerChoice {
  const { [localField]: _dropped, ...rest } = choice.overrides;
  return { winner: choice.winner, overrides: winner === choice.winner ? rest : { ...rest, [localField]: winner } };
}

/** Changes the record's side; fields picked the other way before keep their pick unless it now matches. */
export function chooseRecordWinner(choice: WinnerChoice, winner: Winner): WinnerChoice {
  const overrides = Object.fromEntries(Object.entries(choice.overrides).filter(([, side]) => side !== winner));
  return { winner, overrides };
}

/** `synchronizeSyncErrors`' `fieldWinners`: only the fields that differ from `winner`, in the mapping's order. */
export function fieldWinnersInput(
  choice: WinnerChoice,
  fields: readonly Pick<ComparedField, 'localField'>[],
): { field: string; winner: Winner }[] {
  return fields
    .filter((field) => field.localField in choice.overrides && choice.overrides[field.localField] !== choice.winner)
    .map((field) => ({ field: field.localField, winner: choice.overrides[field.localField] as Winner }));
}

/**
 * What the confirmation says will be written: per side, the fields whose values it sends over (only
 * fields that differ now; equal ones are written as they are). E.g.
 * "Local values overwrite the integration record's name, email. Integration values overwrite the local record's city."
 */
export function synchronizePlan(choice: WinnerChoice, fields: readonly ComparedField[]): string {
  const differing = fields.filter(valuesDiffer);
  if (differing.length === 0) return t('compare.plan.same');
  const byLocal = differing.filter((field) => winnerOf(choice, field.localField) === 'LOCAL');
  const byIntegration = differing.filter((field) => winnerOf(choice, field.localField) === 'INTEGRATION');
  const parts: string[] = [];
  if (byLocal.length > 0)
    parts.push(t('compare.plan.localWins', { fields: byLocal.map((f) => f.integrationField).join(', ') }));
  if (byIntegration.length > 0)
    parts.push(t('compare.plan.integrationWins', { fields: byIntegration.map((f) => f.localField).join(', ') }));
  return parts.join(' ');
}
