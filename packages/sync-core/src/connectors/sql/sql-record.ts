import type { SourceRecord } from '../connector.js';
import type { SqlRow } from './sql-client.js';
import type { TableLayout } from './table-layout.js';

/**
 * What reading and writing share: how a record's id and modified-on travel in a row (every read selects
 * them, every write returns them, under the same two aliases) and how ids and values are bound.
 */

/** Ids per statement for IN lists: well under SQLite's and PostgreSQL's parameter limits. */
export const IDS_PER_STATEMENT = 500;

/** Aliases for the two values every read and write returns next to the fields. */
export const ID_ALIAS = '__tandem_id';
export const MODIFIED_ALIAS = '__tandem_modified_us';

/** `cast(id as text) as __tandem_id, <modified-on in µs> as __tandem_modified_us`. */
export function recordKeyColumns(layout: TableLayout): string {
  return `cast(${layout.id} as text) as ${ID_ALIAS}, ${layout.modifiedOn.readUs} as ${MODIFIED_ALIAS}`;
}

/** A row's id and modified-on, as every connector call reports them. */
export function recordKey(row: SqlRow): Pick<SourceRecord, 'id' | 'modifiedUs'> {
  return { id: String(row[ID_ALIAS]), modifiedUs: Number(row[MODIFIED_ALIAS] ?? 0) };
}

/** `n` id placeholders, each converted to the id column's type. */
export function idList(layout: TableLayout, n: number): string {
  return Array.from({ length: n }, () => layout.idParam).join(', ');
}

/** Values as the drivers take them: undefined is NULL; everything else is left to the client. */
export function paramValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
