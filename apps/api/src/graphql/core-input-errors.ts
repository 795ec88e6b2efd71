import { InvalidInputError as CoreInvalidInputError } from '@tandem/sync-core';
import { InvalidInputError } from '../errors/invalid-input.error.js';

/**
 * Runs a sync-core query or command and reports its refusal of bad input (a cursor of another list, a page
 * size out of range, a filter naming no column) as the API's typed InvalidInputError, under the same path
 * and reason: sync-core's errors are not the API's, and anything not an ApiError is masked.
 */
export async function reportingInputErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CoreInvalidInputError) throw new InvalidInputError(error.field, error.reason);
    throw error;
  }
}
