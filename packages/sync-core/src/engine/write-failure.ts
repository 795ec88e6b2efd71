import { afterFailure } from '../couplings/coupling-state-machine.js';
import type { CouplingRow } from '../repositories/coupling.repository.js';
import type { BatchWriter } from './batch-writer.js';
import type { SyncWork } from './sync-work.js';

/**
 * Records that the destination rejected a record (DESIGN.md rule 6): opens (or refreshes) its
 * WRITE_FAILED error and records the failure on the coupling (rule 7: the next job tries again, and the
 * same failure twice in a row, by default, parks it). One bad record never stops the job.
 */
export function recordWriteFailure(
  work: SyncWork,
  writer: BatchWriter,
  coupling: CouplingRow,
  message: string,
  detail: string | null,
): void {
  const failed: CouplingRow = {
    ...coupling,
    ...afterFailure(coupling, message, work.mapping.parkAfterFailures),
    lastJobId: work.jobId,
  };
  writer.recordFailure(failed);
  writer.openError(work.errorEntry(coupling, { kind: 'WRITE_FAILED', message, detail, fields: null }));
  writer.log(
    work.logEntry(coupling, {
      direction: null,
      action: 'FAILED',
      changes: null,
      message: failed.parked ? `${message} (parked after ${failed.failureCount} failures)` : message,
    }),
  );
  writer.report.outcome('WRITE_FAILED');
}
