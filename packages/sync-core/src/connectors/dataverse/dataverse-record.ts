import type { FieldValues, SourceRecord } from '../connector.js';
import type { EntityMetadata } from './entity-metadata.js';
import type { EdmKind } from './odata-query.js';

/**
 * One Dataverse row as the engine sees it, and the engine's values as Dataverse takes them.
 *
 * Modified-on: Dataverse's `modifiedon` has whole seconds, so a person's edit in the same second as
 * Tandem's own write would carry the same value, and DESIGN.md rule 2 ("changed means a later
 * modified-on than the coupling stored") would miss it. Every row also carries a row version (its ETag,
 * `W/"<versionnumber>"`, which grows with every write in the environment). The connector therefore
 * reports modified-on as the second in microseconds plus the row version modulo one million:
 * `second × 10⁶ + version mod 10⁶`. Within one second a later write has a higher version, so it compares
 * as later; across seconds the second decides. The one blind spot: two writes of one row in the same
 * second whose versions straddle a multiple of a million — in the emulator (versions per row) it
 * cannot happen, in Dataverse it needs a million writes in the environment between them within a second.
 */

const VERSION_SPAN = 1_000_000;

/** The row version in an ETag `W/"12345"`; null when the ETag is absent or not a number. */
export function versionOf(etag: unknown): number | null {
  if (typeof etag !== 'string') return null;
  const match = /"(\d+)"/.exec(etag);
  return match ? Number(match[1]) : null;
}

/** Epoch microseconds as described above, from `modifiedon` and the ETag. */
export function modifiedUsOf(modifiedOn: unknown, etag: unknown): number {
  const ms = typeof modifiedOn === 'string' ? Date.parse(modifiedOn) : Number.NaN;
  if (!Number.isFinite(ms)) return 0;
  const second = Math.floor(ms / 1000);
  const version = versionOf(etag);
  const fraction = version === null ? (ms - second * 1000) * 1000 : version % VERSION_SPAN;
  return second * 1_000_000 + fraction;
}

/** The whole second (epoch ms) that a modified-on value in microseconds falls in. */
export function secondOfUs(modifiedUs: number): number {
  return Math.floor(modifiedUs / 1_000_000) * 1000;
}

/** A row of a Web API answer as a `SourceRecord` with the requested fields the entity has. */
export function toSourceRecord(
  row: Record<string, unknown>,
  metadata: EntityMetadata,
  modifiedColumn: string,
  fields: readonly string[],
): SourceRecord {
  const values: FieldValues = {};
  for (const field of fields) if (metadata.columns.has(field)) values[field] = row[field] ?? null;
  return {
    id: String(row[metadata.primaryId]),
    modifiedUs: modifiedUsOf(row[modifiedColumn], row['@odata.etag']),
    values,
  };
}

/** A value the column's type cannot take; the row fails with this, naming the column. */
export class ColumnValueError extends Error {
  constructor(
    readonly column: string,
    type: string,
    value: unknown,
  ) {
    super(`column "${column}" (${type}) cannot take the value ${JSON.stringify(value)}`);
  }
}

/**
 * The engine's values as the Web API's JSON takes them: numbers from numeric text, booleans from 0/1 (as
 * SQLite stores them), dates as ISO text. Throws `ColumnValueError` for a value its column cannot take.
 */
export function toPayload(metadata: EntityMetadata, values: FieldValues, skip: ReadonlySet<string>): FieldValues {
  const payload: FieldValues = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || skip.has(name)) continue;
    const column = metadata.columns.get(name)!;
    payload[name] =
      value === null ? null : coerce(column.kind, value, () => new ColumnValueError(name, column.type, value));
  }
  return payload;
}

function coerce(kind: EdmKind, value: unknown, fail: () => Error): unknown {
  switch (kind) {
    case 'int':
    case 'decimal': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(number) || (kind === 'int' && !Number.isInteger(number))) throw fail();
      return number;
    }
    case 'boolean':
      if (value === true || value === 1 || value === '1' || value === 'true') return true;
      if (value === false || value === 0 || value === '0' || value === 'false') return false;
      throw fail();
    case 'datetime': {
      const ms =
        value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value));
      if (!Number.isFinite(ms)) throw fail();
      return new Date(ms).toISOString();
    }
    case 'guid':
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(String(value))) throw fail();
      return String(value).toLowerCase();
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
