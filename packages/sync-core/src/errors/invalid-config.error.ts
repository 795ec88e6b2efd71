import { TandemError } from './tandem.error.js';

/** Thrown when configuration is wrong; `path` names the key (e.g. `mappings[0].fields[2].direction`). */
export class InvalidConfigError extends TandemError {
  readonly code = 'INVALID_CONFIG';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}
