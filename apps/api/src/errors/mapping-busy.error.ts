import { ApiError } from './api.error.js';

/**
 * A triage action could not have the mapping to itself: a job of the mapping (or another action) kept its
 * lease longer than the action waits. Nothing changed; the same call succeeds once that job has ended.
 */
export class MappingBusyError extends ApiError {
  override readonly code = 'MAPPING_BUSY';
  constructor(
    message: string,
    /** The running job that keeps the mapping (its SyncJob id); null when another action does. */
    readonly runningJobId: string | null,
  ) {
    super(message);
  }
}
