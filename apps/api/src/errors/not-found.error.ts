import { ApiError } from './api.error.js';

/** Thrown when an id is well formed but names nothing (deleted, or never existed). */
export class NotFoundError extends ApiError {
  override readonly code = 'NOT_FOUND';
  constructor(
    readonly typename: string,
    readonly id: string,
  ) {
    super(`${typename} ${id} does not exist`);
  }
}
