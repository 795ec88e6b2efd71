import { TandemError } from './tandem.error.js';

/** Thrown when a run is asked for a mapping id that does not exist (deleted, or never created). */
export class MappingNotFoundError extends TandemError {
  readonly code = 'MAPPING_NOT_FOUND';
  constructor(readonly mappingId: number) {
    super(`table mapping ${mappingId} does not exist`);
  }
}
