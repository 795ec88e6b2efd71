import { randomUUID } from 'node:crypto';
import { DataverseError, ErrorCodes, payloadError } from './errors.js';
import type { ApiResponse } from './http/api-types.js';
import type { RecordKey } from './odata/resource-path.js';
import { etagOf, matches, parseEtagList, versionMismatch } from './preconditions.js';
import type { ResolvedEntitySet } from './schema.js';
import type { Store, StoredRow } from './store.js';
import { fromPayload, requiredError, type StoredValue, toJson } from './values.js';

/**
 * Create, update, upsert, delete and retrieve one record
 * (learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api,
 * …/update-delete-entities-using-web-api, …/use-upsert-insert-update-record).
 */
export interface EntityContext {
  store: Store;
  /** The Web API root, e.g. http://127.0.0.1:1234/api/data/v9.2 */
  apiUrl: string;
  now(): number;
}

export function entityIdUrl(ctx: EntityContext, set: ResolvedEntitySet, id: string): string {
  return `${ctx.apiUrl}/${set.name}(${id})`;
}

export function formatRow(set: ResolvedEntitySet, row: StoredRow, select?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(Number(row.versionnumber)) };
  const names = select ? [...new Set([...select, set.key])] : [...set.columns.keys()];
  for (const name of names) out[name] = toJson(set.columns.get(name)!, row[name] ?? null);
  return out;
}

export function findRecord(ctx: EntityContext, set: ResolvedEntitySet, key: RecordKey): StoredRow | undefined {
  return key.kind === 'primary' ? ctx.store.byId(set, key.id) : ctx.store.byColumns(set, key.columns, key.values);
}

export function notFound(set: ResolvedEntitySet, key: RecordKey): DataverseError {
  const message =
    key.kind === 'primary'
      ? `Entity '${set.logicalName}' With Id = ${key.id} Does Not Exist`
      : `A record with the specified key values does not exist in ${set.logicalName} entity`;
  return new DataverseError(404, ErrorCodes.notFound, message);
}

/** Parses the JSON body into stored values of writable columns; names the first bad property. */
function readPayload(set: ResolvedEntitySet, body: string): StoredRow {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw payloadError(`The request body for Entity :'${set.name}' is not valid JSON.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw payloadError(`The request body for Entity :'${set.name}' must be a JSON object.`);
  }
  const values: StoredRow = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (name.startsWith('@')) continue; // instance annotations such as @odata.type
    const column = set.columns.get(name);
    if (!column) {
      throw payloadError(
        `The property '${name}' does not exist on type 'Microsoft.Dynamics.CRM.${set.logicalName}'. ` +
          'Make sure to only use property names that are defined by the type.',
      );
    }
    if (!set.writable.has(name)) continue; // createdon, modifiedon, versionnumber: set by the server, ignored
    values[name] = fromPayload(set, column, value);
  }
  return values;
}

function stamp(ctx: EntityContext, precision: 'seconds' | 'milliseconds'): number {
  const now = ctx.now();
  return precision === 'seconds' ? now - (now % 1000) : now;
}

function checkAlternateKeys(ctx: EntityContext, set: ResolvedEntitySet, row: StoredRow, selfId?: string): void {
  for (const key of set.alternateKeys) {
    const values = key.map((c) => row[c] ?? null);
    if (values.some((v) => v === null)) continue;
    const other = ctx.store.byColumns(set, key, values);
    if (other && other[set.key] !== selfId) {
      const names = key.join(', ');
      throw new DataverseError(
        412,
        ErrorCodes.duplicateKey,
        `A record that has the attribute values ${names} already exists. The entity key ${names} requires that this ` +
          'set of attributes contains unique values.',
      );
    }
  }
}

function insertRecord(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  values: StoredRow,
  precision: 'seconds' | 'milliseconds',
): StoredRow {
  for (const column of set.columns.values()) {
    if (column.required && (values[column.name] === undefined || values[column.name] === null)) {
      throw requiredError(set, column);
    }
  }
  const id = (values[set.key] as string | undefined) ?? randomUUID();
  if (ctx.store.byId(set, id)) {
    throw new DataverseError(412, ErrorCodes.duplicateRecord, 'A record with matching key values already exists.');
  }
  checkAlternateKeys(ctx, set, values);
  const now = stamp(ctx, precision);
  const row: StoredRow = {
    ...values,
    [set.key]: id,
    createdon: now,
    modifiedon: now,
    versionnumber: ctx.store.nextVersion(),
  };
  ctx.store.insert(set, row);
  return ctx.store.byId(set, id)!;
}

function written(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  row: StoredRow,
  created: boolean,
  representation: boolean,
  select: string[] | undefined,
): ApiResponse {
  const id = String(row[set.key]);
  const headers: Record<string, string> = { 'OData-EntityId': entityIdUrl(ctx, set, id) };
  if (!representation) return { status: 204, headers };
  headers['Preference-Applied'] = 'return=representation';
  headers.ETag = etagOf(Number(row.versionnumber));
  const body = {
    '@odata.context': `${ctx.apiUrl}/$metadata#${set.name}${select ? `(${select.join(',')})` : ''}/$entity`,
    ...formatRow(set, row, select),
  };
  return { status: created ? 201 : 200, headers, body };
}

export interface WriteOptions {
  representation: boolean;
  select?: string[];
  precision: 'seconds' | 'milliseconds';
}

/** POST to an entity set: 204 + OData-EntityId, or 201 with the record under `Prefer: return=representation`. */
export function createRecord(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  body: string,
  options: WriteOptions,
): ApiResponse {
  const row = insertRecord(ctx, set, readPayload(set, body), options.precision);
  return written(ctx, set, row, true, options.representation, options.select);
}

/**
 * PATCH to a record: an upsert as Dataverse does it. Absent → created (with the key from the URL), unless
 * `If-Match: *` (update only → 404). Present → updated, unless `If-None-Match: *` (create only → 412).
 * `If-Match: W/"n"` with an older version → 412.
 */
export function upsertRecord(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  key: RecordKey,
  headers: Record<string, string | undefined>,
  body: string,
  options: WriteOptions,
): ApiResponse {
  const ifMatch = parseEtagList(headers['if-match']);
  const ifNoneMatch = parseEtagList(headers['if-none-match']);
  const existing = findRecord(ctx, set, key);
  const values = readPayload(set, body);
  if (!existing) {
    if (ifMatch !== undefined) throw notFound(set, key);
    if (key.kind === 'primary') {
      if (values[set.key] !== undefined && values[set.key] !== key.id) {
        throw payloadError(`The key '${set.key}' in the body does not match the key in the URL.`);
      }
      values[set.key] = key.id;
    } else {
      key.columns.forEach((column, i) => {
        values[column] = key.values[i] ?? null;
      });
    }
    const row = insertRecord(ctx, set, values, options.precision);
    return written(ctx, set, row, true, options.representation, options.select);
  }
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, Number(existing.versionnumber))) {
    throw new DataverseError(412, ErrorCodes.duplicateRecord, 'A record with matching key values already exists.');
  }
  if (ifMatch !== undefined && !matches(ifMatch, Number(existing.versionnumber))) throw versionMismatch();
  const id = String(existing[set.key]);
  if (values[set.key] !== undefined && values[set.key] !== id) {
    throw payloadError(`The primary key '${set.key}' of an existing record cannot be changed.`);
  }
  delete values[set.key];
  for (const column of set.columns.values()) {
    if (column.required && column.name in values && values[column.name] === null) throw requiredError(set, column);
  }
  checkAlternateKeys(ctx, set, { ...existing, ...values }, id);
  const changes: StoredRow = {
    ...values,
    modifiedon: stamp(ctx, options.precision),
    versionnumber: ctx.store.nextVersion(),
  };
  ctx.store.update(set, id, changes);
  return written(ctx, set, ctx.store.byId(set, id)!, false, options.representation, options.select);
}

/** DELETE a record (204); leaves a tombstone for change tracking. `If-Match` with an older version → 412. */
export function deleteRecord(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  key: RecordKey,
  headers: Record<string, string | undefined>,
): ApiResponse {
  const existing = findRecord(ctx, set, key);
  if (!existing) throw notFound(set, key);
  const ifMatch = parseEtagList(headers['if-match']);
  if (ifMatch !== undefined && !matches(ifMatch, Number(existing.versionnumber))) throw versionMismatch();
  ctx.store.delete(set, String(existing[set.key]));
  return { status: 204, headers: {} };
}

/** GET one record; `If-None-Match` with its current ETag → 304 without a body. */
export function retrieveRecord(
  ctx: EntityContext,
  set: ResolvedEntitySet,
  key: RecordKey,
  headers: Record<string, string | undefined>,
  select: string[] | undefined,
): ApiResponse {
  const row = findRecord(ctx, set, key);
  if (!row) throw notFound(set, key);
  const etag = etagOf(Number(row.versionnumber));
  const ifNoneMatch = parseEtagList(headers['if-none-match']);
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, Number(row.versionnumber))) {
    return { status: 304, headers: { ETag: etag } };
  }
  return {
    status: 200,
    headers: { ETag: etag },
    body: {
      '@odata.context': `${ctx.apiUrl}/$metadata#${set.name}${select ? `(${select.join(',')})` : ''}/$entity`,
      ...formatRow(set, row, select),
    },
  };
}

export type { StoredValue };
