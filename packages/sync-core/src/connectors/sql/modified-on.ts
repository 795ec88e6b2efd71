import type { ColumnInfo } from '../connector.js';
import { quoteIdent, type SqlDialect } from './sql-client.js';

/**
 * The modified-on column in its own storage format, converted to and from epoch microseconds.
 *
 * PostgreSQL keeps microseconds, and a JS Date would drop them, so there every conversion and
 * comparison happens in SQL: reads extract exact epoch microseconds, cursors become timestamps in SQL,
 * and "now" is the server's clock. SQLite stores ISO-8601 text or epoch milliseconds; there the
 * connector computes "now" itself (milliseconds) and compares on the microsecond value, which orders
 * records correctly whatever ISO spelling the app used.
 */
export type ModifiedOnKind = 'pg-timestamptz' | 'pg-timestamp' | 'sqlite-iso-text' | 'sqlite-epoch-ms';

export interface ModifiedOnFormat {
  readonly kind: ModifiedOnKind;
  /** SQL: the column's value as integer epoch microseconds. */
  readonly readUs: string;
  /** SQL: the expression to order and compare on (keyset), on the same scale as `cursor`. */
  readonly sortKey: string;
  /** SQL with one `?` (filled by `cursorParam`): the cursor's value on the scale of `sortKey`. */
  readonly cursor: string;
  /** The parameter for `cursor`, from the cursor's epoch microseconds. */
  cursorParam(us: number): unknown;
  /** SQL for the value written on insert; its `?` placeholders are filled by `writeParams`. */
  readonly insertSql: string;
  /**
   * SQL for the value written on update: now, but strictly later than the value the row had, because
   * the engine takes "modified-on later than stored" to mean "changed". It reads the row's own value, so
   * the same row written twice in one transaction still moves forward. `?` filled by `writeParams`.
   */
  readonly updateSql: string;
  /** Parameters for `insertSql` and `updateSql` ("now", where the connector computes it). */
  writeParams(): unknown[];
}

/** Decides the format from the column's declared type and, on SQLite, the type of a stored value. */
export function modifiedOnFormat(
  dialect: SqlDialect,
  column: ColumnInfo,
  storedType?: string | null,
  storedSample?: unknown,
): ModifiedOnFormat {
  return dialect === 'postgresql' ? postgresFormat(column) : sqliteFormat(column, storedType, storedSample);
}

function postgresFormat(column: ColumnInfo): ModifiedOnFormat {
  const match = /^timestamp(?:\((\d)\))? (with|without) time zone$/.exec(column.type);
  if (!match) {
    throw new Error(
      `modified-on column "${column.name}" has type ${column.type}; use timestamp with or without time zone`,
    );
  }
  const withZone = match[2] === 'with';
  // A timestamp(3) rounds to milliseconds, so "strictly later" must step by its own resolution.
  const step = 10 ** (6 - Number(match[1] ?? 6));
  const col = quoteIdent(column.name);
  // A timestamp without time zone is taken to be UTC, both when read and when written.
  const epoch = withZone ? "timestamptz 'epoch'" : "timestamp 'epoch'";
  const now = withZone ? 'clock_timestamp()' : "(clock_timestamp() at time zone 'UTC')";
  return {
    kind: withZone ? 'pg-timestamptz' : 'pg-timestamp',
    // extract() returns numeric (exact) on PostgreSQL 14+; the product is a whole number of microseconds.
    readUs: `cast(extract(epoch from ${col}) * 1000000 as bigint)`,
    // Comparing the column itself keeps an index on it usable.
    sortKey: col,
    cursor: `(${epoch} + cast(? as bigint) * interval '1 microsecond')`,
    cursorParam: (us) => us,
    insertSql: now,
    // clock_timestamp(), not now(): each row of a transaction gets its own time.
    updateSql: `greatest(${now}, ${col} + interval '${step} microseconds')`,
    writeParams: () => [],
  };
}

/** Declared types whose affinity makes SQLite store numbers: the column holds epoch milliseconds. */
const NUMERIC_DECLARED = /INT|NUMERIC|REAL|FLOA|DOUB|DECIMAL/i;

/** The ISO spelling JavaScript writes (`toISOString`): fixed width, so its text order is its time order. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function sqliteFormat(column: ColumnInfo, storedType?: string | null, storedSample?: unknown): ModifiedOnFormat {
  const col = quoteIdent(column.name);
  const epochMs =
    storedType === 'integer' || storedType === 'real'
      ? true
      : storedType === 'text'
        ? false
        : NUMERIC_DECLARED.test(column.type);
  // Both formats hold milliseconds: an update writes the later of the clock and the previous value + 1 ms.
  const laterMs = (previousMs: string) => `max(?, coalesce(${previousMs} + 1, 0))`;
  const now = () => [Date.now()];
  if (epochMs) {
    return {
      kind: 'sqlite-epoch-ms',
      readUs: `cast(${col} * 1000 as integer)`,
      // Keyset on the column itself, so that an index on (modified-on, id) serves change reading.
      sortKey: col,
      cursor: '?',
      cursorParam: (us) => Math.floor(us / 1000),
      insertSql: '?',
      updateSql: laterMs(`cast(${col} as integer)`),
      writeParams: now,
    };
  }
  // strftime parses every ISO-8601 spelling SQLite knows (offsets included) and %f gives "SS.mmm".
  const readUs = `(cast(strftime('%s', ${col}) as integer) * 1000000 + cast(substr(strftime('%f', ${col}), 4, 3) as integer) * 1000)`;
  // Text in the canonical spelling (ours, and JavaScript's) sorts as time: compare the column itself and an
  // index serves the keyset. Any other spelling is compared through its parsed value, correct but unindexed.
  const canonical = storedSample === null || storedSample === undefined || CANONICAL_ISO.test(String(storedSample));
  // Written in JavaScript's spelling; 'unixepoch' rounds to the millisecond, so the text is exact.
  const isoOf = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${ms} / 1000.0, 'unixepoch')`;
  return {
    kind: 'sqlite-iso-text',
    readUs,
    sortKey: canonical ? col : readUs,
    cursor: '?',
    cursorParam: canonical ? (us) => new Date(Math.floor(us / 1000)).toISOString() : (us) => us,
    insertSql: isoOf('?'),
    updateSql: isoOf(laterMs(`(${readUs} / 1000)`)),
    writeParams: now,
  };
}
