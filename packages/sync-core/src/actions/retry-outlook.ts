import { sameValue } from '../engine/values.js';
import type { SyncErrorKind, SyncErrorStatus } from '../entities/enums.js';

/** What the judgement needs of an error's detail (queries/sync-error-detail.ts's SyncErrorDetail has it). */
export interface RetryOutlookInput {
  kind: SyncErrorKind;
  status: SyncErrorStatus;
  fields: ReadonlyArray<{
    local: unknown;
    integration: unknown;
    changedLocally: boolean | null;
    changedInIntegration: boolean | null;
  }>;
  unavailable: readonly unknown[];
}

/**
 * Would a retry meet the same error again? Only what the records now show can tell, so it is judged from an
 * error's detail (both records read now): an UPDATE_CONFLICT repeats while some field is changed on both
 * sides since the last sync to values that differ — retry does not move the last-synced values, so the job
 * finds the same conflict; SYNCHRONIZE (a side wins) is what resolves it. Both sides changed to the same
 * value is no conflict for the engine (engine/field-sync.ts), so a retry of that one synchronizes. `null`: no judgement (other kinds, or a side that
 * could not be read).
 */
export function retryWouldRepeat(detail: RetryOutlookInput): boolean | null {
  if (detail.status !== 'OPEN' || detail.kind !== 'UPDATE_CONFLICT' || detail.unavailable.length > 0) return null;
  return detail.fields.some(
    (field) =>
      field.changedLocally === true &&
      field.changedInIntegration === true &&
      !sameValue(field.local, field.integration),
  );
}
