import { ApiError } from './api.error.js';

/** Thrown when an id argument is not a global id of the expected type (nor a plain number). */
export class InvalidIdError extends ApiError {
  // The code every unusable argument has: a malformed id is invalid input like any other.
  override readonly code = 'INVALID_INPUT';
  constructor(
    readonly expected: string,
    readonly id: string,
  ) {
    super(`"${id}" is not a ${expected} id`);
  }
}
