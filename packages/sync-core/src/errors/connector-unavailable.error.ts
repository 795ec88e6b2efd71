import { TandemError } from './tandem.error.js';

/** Thrown when a connector stays unreachable after its retries; the job ends FAILED and nothing is lost. */
export class ConnectorUnavailableError extends TandemError {
  readonly code = 'CONNECTOR_UNAVAILABLE';
  constructor(
    readonly connector: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`connector "${connector}" is unavailable: ${reason}`, options);
  }
}
