import { DataverseError, ErrorCodes, payloadError } from './errors.js';
import type { ResolvedEntitySet } from './schema.js';
import type { EmulatorColumn } from './types.js';

/**
 * Values between JSON payloads, SQLite and JSON responses.
 * Stored forms: string/guid TEXT (guids lower case), int INTEGER, decimal REAL, boolean 0/1,
 * datetime INTEGER milliseconds since the epoch (so comparisons and ordering are numeric).
 */
export type StoredValue = string | number | null;

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export const isGuid = (value: string) => GUID.test(value);

export function edmType(column: EmulatorColumn): string {
  if (column.name === 'versionnumber') return 'Edm.Int64';
  return {
    string: 'Edm.String',
    int: 'Edm.Int32',
    decimal: 'Edm.Decimal',
    boolean: 'Edm.Boolean',
    datetime: 'Edm.DateTimeOffset',
    guid: 'Edm.Guid',
  }[column.type];
}

/** Parses an ISO 8601 date or date-time; whole seconds, as Dataverse stores date-time columns. */
export function parseDateTime(text: string): number | undefined {
  if (!DATETIME.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? undefined : ms - (((ms % 1000) + 1000) % 1000);
}

function cannotConvert(set: ResolvedEntitySet, column: EmulatorColumn, value: unknown): DataverseError {
  const literal = typeof value === 'string' ? value : JSON.stringify(value);
  return payloadError(
    `Error identified in Payload provided by the user for Entity :'${set.name}', ` +
      `Cannot convert the literal '${literal}' to the expected type '${edmType(column)}' for property '${column.name}'.`,
  );
}

/** Turns one payload property into its stored form, or throws Dataverse's validation error for it. */
export function fromPayload(set: ResolvedEntitySet, column: EmulatorColumn, value: unknown): StoredValue {
  if (value === null) {
    if (column.required) throw requiredError(set, column);
    return null;
  }
  switch (column.type) {
    case 'string':
      if (typeof value !== 'string') throw cannotConvert(set, column, value);
      if (column.maxLength !== undefined && value.length > column.maxLength) {
        throw new DataverseError(
          400,
          ErrorCodes.stringTooLong,
          `A validation error occurred. The length of the '${column.name}' attribute of the '${set.logicalName}' ` +
            `entity exceeded the maximum allowed length of '${column.maxLength}'.`,
        );
      }
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        throw cannotConvert(set, column, value);
      }
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw cannotConvert(set, column, value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw cannotConvert(set, column, value);
      return value ? 1 : 0;
    case 'datetime': {
      const ms = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (ms === undefined) throw cannotConvert(set, column, value);
      return ms;
    }
    case 'guid':
      if (typeof value !== 'string' || !isGuid(value)) throw cannotConvert(set, column, value);
      return value.toLowerCase();
  }
}

export function requiredError(set: ResolvedEntitySet, column: EmulatorColumn): DataverseError {
  return new DataverseError(
    400,
    ErrorCodes.invalidArgument,
    `Attribute '${column.name}' of entity '${set.logicalName}' is required and cannot be null or empty.`,
  );
}

/** ISO 8601 in UTC; whole seconds print without a fraction, as Dataverse prints them. */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

export function toJson(column: EmulatorColumn, value: StoredValue): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'boolean':
      return value === 1;
    case 'datetime':
      return formatDateTime(Number(value));
    default:
      return value;
  }
}
