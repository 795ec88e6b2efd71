import { ApiError } from './api.error.js';

/**
 * Thrown when a job cannot be queued because the job queue's Redis is away (sync-core's
 * QueueUnavailableError): the caller may try again; nothing was stored. Reported as a `BaseError` result
 * with code QUEUE_UNAVAILABLE.
 */
export class QueueUnavailableApiError extends ApiError {
  override readonly code = 'QUEUE_UNAVAILABLE';
}
