import type { EntityManager } from '@mikro-orm/knex';
import { evaluateAlertsOnJobEnd, type JobEnd } from './alert-evaluation.js';
import { type AlertStateChange, alertSignal } from './alert-signal.js';

/**
 * The one hook between jobs and alerts, called by `finishSyncJob` in the transaction that stores a job's
 * final status: the rules' new states and their notifications commit with that status or not at all.
 * The evaluation runs in a savepoint, so a fault in it (a bad rule row, a bug) costs the notification and
 * is reported, but never the job's status.
 */
export async function alertsOnJobEnd(
  tx: EntityManager,
  end: JobEnd,
  onError: (error: unknown) => void = () => {},
): Promise<AlertStateChange[]> {
  try {
    return await tx.transactional((savepoint) => evaluateAlertsOnJobEnd(savepoint, end));
  } catch (error) {
    onError(error);
    return [];
  }
}

/** After the commit: wakes this process's deliverer and tells subscribers. */
export function announceAlertChanges(changes: readonly AlertStateChange[]): void {
  if (changes.length === 0) return;
  alertSignal.outboxWritten();
  for (const change of changes) alertSignal.stateChanged(change);
}
