import { DataverseError } from '../errors.js';
import type { ApiRequest, ApiResponse } from '../http/api-types.js';
import { parsePrefer } from '../odata/query-options.js';
import type { Store } from '../store.js';
import { errorResponse, type WebApi } from '../web-api.js';
import { type BatchPart, type BatchRequest, type BatchResultPart, parseBatch, writeBatch } from './multipart.js';

const API_PATH = '/api/data/v9.2';

/**
 * `POST $batch` (learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api).
 * Parts run in order. Without `Prefer: odata.continue-on-error` a change set is atomic — the first failing
 * request rolls the whole change set back and its error is the change set's only answer — and the batch stops
 * at the first error. With it, every request stands alone: failures are answered in place and the rest lands.
 * `$1` at the start of a URL refers to the record created by the change-set request with Content-ID 1.
 */
export function handleBatch(
  api: WebApi,
  store: Store,
  headers: Record<string, string | undefined>,
  body: string,
  count: (operations: number) => void,
): ApiResponse {
  let parts: BatchPart[];
  try {
    parts = parseBatch(body, headers['content-type']);
  } catch (error) {
    return errorResponse(error);
  }
  const continueOnError = parsePrefer(headers.prefer).continueOnError;
  const results: BatchResultPart[] = [];
  for (const part of parts) {
    if (part.kind === 'request') {
      count(1);
      const response = api.handle(toApiRequest(part.request, new Map(), headers));
      results.push({ kind: 'response', response, contentId: part.request.contentId });
      if (response.status >= 400 && !continueOnError) break;
      continue;
    }
    count(part.requests.length);
    const ids = new Map<string, string>();
    if (continueOnError) {
      const responses = part.requests.map((request) => {
        const response = api.handle(toApiRequest(request, ids, headers));
        remember(ids, request, response);
        return { response, contentId: request.contentId };
      });
      results.push({ kind: 'changeset', responses });
      continue;
    }
    try {
      const responses = store.transaction(() =>
        part.requests.map((request) => {
          try {
            const response = api.route(toApiRequest(request, ids, headers));
            remember(ids, request, response);
            return { response, contentId: request.contentId };
          } catch (error) {
            throw new FailedRequest(error, request.contentId);
          }
        }),
      );
      results.push({ kind: 'changeset', responses });
    } catch (error) {
      const failed = error instanceof FailedRequest ? error : new FailedRequest(error, undefined);
      results.push({ kind: 'response', response: errorResponse(failed.cause), contentId: failed.contentId });
      break;
    }
  }
  const written = writeBatch(results);
  return { status: 200, headers: { 'Content-Type': written.contentType }, body: written.body };
}

class FailedRequest extends Error {
  constructor(
    override readonly cause: unknown,
    readonly contentId: string | undefined,
  ) {
    super(cause instanceof DataverseError ? cause.message : String(cause));
  }
}

function remember(ids: Map<string, string>, request: BatchRequest, response: ApiResponse): void {
  const entityId = response.headers['OData-EntityId'];
  if (request.contentId !== undefined && entityId) ids.set(request.contentId, entityId);
}

function toApiRequest(
  request: BatchRequest,
  ids: Map<string, string>,
  outer: Record<string, string | undefined>,
): ApiRequest {
  let target = request.target;
  const reference = /^\$(\w+)(.*)$/.exec(target);
  if (reference && ids.has(reference[1]!)) target = ids.get(reference[1]!)! + reference[2]!;
  const at = target.indexOf(API_PATH);
  if (at >= 0) target = target.slice(at + API_PATH.length);
  if (!target.startsWith('/')) target = `/${target}`;
  // The batch's own Prefer (e.g. odata.continue-on-error) is not a preference of each request.
  const headers: Record<string, string | undefined> = { authorization: outer.authorization, ...request.headers };
  return { method: request.method, target, headers, body: request.body };
}
