import { TandemError } from './tandem.error.js';

/** Thrown when a caller's request cannot be carried out as asked (ids and filter both given, a bad number…); nothing changed. */
export class InvalidInputError extends TandemError {
  readonly code = 'INVALID_INPUT';
  constructor(
    /** The input's path, e.g. `ids` or `filters.local[1].field`. */
    readonly field: string,
    /** What is wrong, without the path: the API reports it under its own name for the input. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
