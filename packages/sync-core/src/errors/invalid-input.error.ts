import { TandemError } from './tandem.error.js';

/** Thrown when a caller's request cannot be carried out as asked (ids and filter both given, a bad number…); nothing changed. */
export class InvalidInputError extends TandemError {
  readonly code = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
