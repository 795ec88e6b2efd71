import { ApiError } from './api.error.js';

/**
 * Thrown when arguments are well typed but unusable together: both `ids` and `filter` (or neither), too
 * many ids, a negative page size, a cursor from another list. `argument` names the offending argument.
 */
export class InvalidInputError extends ApiError {
  override readonly code = 'INVALID_INPUT';
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`${argument}: ${reason}`);
  }
}
