import { DataverseError, ErrorCodes } from '../errors.js';
import type { ApiResponse } from '../http/api-types.js';
import type { Store } from '../store.js';
import type { WebApi } from '../web-api.js';
import { errorResponse } from '../web-api.js';

/** Placeholder until the multipart parser lands: `$batch` answers 501-style Dataverse error. */
export function handleBatch(
  _api: WebApi,
  _store: Store,
  _headers: Record<string, string | undefined>,
  _body: string,
  _count: (n: number) => void,
): ApiResponse {
  return errorResponse(new DataverseError(400, ErrorCodes.badQuery, '$batch is not implemented yet in this emulator.'));
}
