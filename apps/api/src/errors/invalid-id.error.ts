import { ApiError } from './api.error.js';

/** Thrown when an id argument is not a global id of the expected type (nor a plain number). */
export class InvalidIdError extends ApiError {
  override readonly code = 'INVALID_ID';
  constructor(
    readonly expected: string,
    readonly id: string,
  ) {
    super(`"${id}" is not a ${expected} id`);
  }
}
