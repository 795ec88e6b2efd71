import { TandemError } from './tandem.error.js';

/**
 * Thrown when a mapping does not fit the tables it names: a missing table or column, or a field direction
 * the mapping cannot take. The message names the mapping and the field; a job ends FAILED with it.
 */
export class MappingDefinitionError extends TandemError {
  readonly code = 'INVALID_MAPPING';
  constructor(
    readonly mappingName: string,
    readonly field: string | null,
    reason: string,
  ) {
    super(`mapping "${mappingName}"${field ? `, field "${field}"` : ''}: ${reason}`);
  }
}
