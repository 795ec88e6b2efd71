import { TandemError } from './tandem.error.js';

/**
 * Thrown when the job queue's backing service (Redis, for the BullMQ driver) cannot be reached: a run cannot
 * be dispatched now. Nothing stored is lost; jobs already queued wait in `sync_job` until it returns.
 */
export class QueueUnavailableError extends TandemError {
  readonly code = 'QUEUE_UNAVAILABLE';
  constructor(reason: string, options?: ErrorOptions) {
    super(`the job queue is unavailable: ${reason}`, options);
  }
}
