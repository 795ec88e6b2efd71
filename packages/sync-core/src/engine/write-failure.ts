import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import type { JobState } from './job-state.js';

/**
 * Records that the destination rejected a record (DESIGN.md rule 6–7): opens (or refreshes) its
 * WRITE_FAILED error and counts the failure. The next job tries again; the same failure twice in a row
 * (by default) parks the coupling until a person acts. Returns the updated coupling.
 */
export function recordWriteFailure(
  job: JobState,
  writer: BatchWriter,
  coupling: CouplingRow,
  message: string,
  detail: string | null,
): CouplingRow {
  const repeated = coupling.lastFailure === message;
  const failureCount = repeated ? coupling.failureCount + 1 : 1;
  const updated: CouplingRow = {
    ...coupling,
    failureCount,
    lastFailure: message,
    parked: failureCount >= job.mapping.parkAfterFailures,
    retryRequested: false,
    lastJobId: job.jobId,
  };
  writer.updateCoupling(updated);
  writer.openError(
    job.errorEntry(coupling, {
      kind: 'WRITE_FAILED',
      message,
      detail,
      fields: null,
    }),
  );
  writer.log(
    job.logEntry(coupling, {
      direction: null,
      action: 'FAILED',
      changes: null,
      message: updated.parked ? `${message} (parked after ${failureCount} failures)` : message,
    }),
  );
  job.counters.failed++;
  return updated;
}
