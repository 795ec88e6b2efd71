import { TandemError } from './tandem.error.js';

/**
 * A triage action could not have the mapping to itself: a job of the mapping (or another action on it)
 * held the mapping's lease for longer than the action waits. Nothing changed for the items it refuses;
 * the same action succeeds once the holder is done.
 */
export class MappingBusyError extends TandemError {
  readonly code = 'MAPPING_BUSY';
  constructor(
    readonly mappingId: number,
    /** The running job that holds the mapping; null when another action holds it, or the holder is gone. */
    readonly jobId: number | null,
    message: string,
  ) {
    super(message);
  }
}
