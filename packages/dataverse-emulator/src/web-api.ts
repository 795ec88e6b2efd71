import { trackChanges } from './change-tracking.js';
import { entityDefinitions } from './entity-definitions.js';
import {
  createRecord,
  deleteRecord,
  type EntityContext,
  retrieveRecord,
  upsertRecord,
  type WriteOptions,
} from './entity-operations.js';
import { badQuery, DataverseError, ErrorCodes } from './errors.js';
import type { ApiRequest, ApiResponse } from './http/api-types.js';
import { metadataDocument } from './metadata.js';
import { parsePrefer, parseQueryOptions } from './odata/query-options.js';
import { parseResourcePath, resolveKey } from './odata/resource-path.js';
import { queryRecords } from './query-records.js';
import type { ResolvedEntitySet } from './schema.js';

/**
 * Routes one Web API call (outside or inside a `$batch`) to its operation and turns a DataverseError into
 * Dataverse's error response. Synchronous on purpose: a change set runs inside one SQLite transaction.
 */
export class WebApi {
  constructor(
    readonly ctx: EntityContext,
    readonly sets: Map<string, ResolvedEntitySet>,
    readonly precision: 'seconds' | 'milliseconds',
  ) {}

  handle(request: ApiRequest): ApiResponse {
    try {
      return this.route(request);
    } catch (error) {
      return errorResponse(error);
    }
  }

  /** Like handle, but lets a DataverseError through (a change set rolls back on it). */
  route(request: ApiRequest): ApiResponse {
    const url = new URL(request.target, 'http://emulator.invalid');
    const segment = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    const method = request.method.toUpperCase();
    if (segment === '') return this.serviceDocument();
    if (segment === '$metadata') {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/xml' },
        body: metadataDocument([...this.sets.values()]),
      };
    }
    if (segment === 'WhoAmI' && method === 'GET') {
      return {
        status: 200,
        headers: {},
        body: {
          '@odata.context': `${this.ctx.apiUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
          BusinessUnitId: '00000000-0000-0000-0000-0000000000b0',
          UserId: '00000000-0000-0000-0000-0000000000a0',
          OrganizationId: '00000000-0000-0000-0000-0000000000c0',
        },
      };
    }
    if (segment.startsWith('EntityDefinitions') && method === 'GET') {
      return entityDefinitions(this.ctx.apiUrl, this.sets.values(), segment, url.searchParams);
    }
    const path = parseResourcePath(segment);
    const set = this.sets.get(path.entitySet);
    if (!set)
      throw new DataverseError(404, ErrorCodes.badQuery, `Resource not found for the segment '${path.entitySet}'.`);
    const options = parseQueryOptions(set, url.searchParams);
    const prefs = parsePrefer(request.headers.prefer);
    const write: WriteOptions = {
      representation: prefs.returnRepresentation,
      select: options.select,
      precision: this.precision,
    };
    if (path.keyText === undefined) {
      if (method === 'GET') {
        return prefs.trackChanges || options.deltaToken !== undefined
          ? trackChanges(this.ctx, set, options, prefs, url.searchParams)
          : queryRecords(this.ctx, set, options, prefs, url.searchParams);
      }
      if (method === 'POST') return createRecord(this.ctx, set, request.body, write);
      throw methodNotAllowed(method, set.name);
    }
    const key = resolveKey(set, path.keyText);
    if (method === 'GET') return retrieveRecord(this.ctx, set, key, request.headers, options.select);
    if (method === 'PATCH') return upsertRecord(this.ctx, set, key, request.headers, request.body, write);
    if (method === 'DELETE') return deleteRecord(this.ctx, set, key, request.headers);
    throw methodNotAllowed(method, `${set.name}(${path.keyText})`);
  }

  private serviceDocument(): ApiResponse {
    return {
      status: 200,
      headers: {},
      body: {
        '@odata.context': `${this.ctx.apiUrl}/$metadata`,
        value: [...this.sets.values()].map((s) => ({ name: s.name, kind: 'EntitySet', url: s.name })),
      },
    };
  }
}

function methodNotAllowed(method: string, resource: string): DataverseError {
  return new DataverseError(
    405,
    ErrorCodes.methodNotAllowed,
    `The HTTP method '${method}' is not allowed on '${resource}'.`,
  );
}

export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof DataverseError) return { status: error.status, headers: error.headers, body: error.body() };
  const unexpected = new DataverseError(500, ErrorCodes.unexpected, `Unexpected error: ${(error as Error).message}`);
  return { status: 500, headers: {}, body: unexpected.body() };
}

export { badQuery };
