import { ApiError } from './api.error.js';

/** Thrown when the caller's role does not allow the field (a VIEWER asking for a mutation, …). */
export class ForbiddenError extends ApiError {
  override readonly code = 'FORBIDDEN';
  constructor(message = 'your API key does not allow this') {
    super(message);
  }
}
