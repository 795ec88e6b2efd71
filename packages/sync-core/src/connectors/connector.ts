/**
 * The connector contract: how the engine reads and writes one side of a mapping.
 *
 * A `Connector` is one app (a database, a Web API); `openTable` gives a `TableConnector` for one of its
 * tables. Every method works in batches and never throws for one bad row: writes return one result per
 * row. A method throws only when the whole call failed; `TransientConnectorError` marks failures worth
 * retrying (timeouts, 429, 5xx, a busy database), anything else ends the job.
 *
 * Ids travel as strings whatever their type in the app; modified-on values travel as epoch
 * microseconds, so that PostgreSQL's microsecond timestamps survive the round trip exactly.
 */

import type { FilterCondition } from './record-filter.js';

export type FieldValues = Record<string, unknown>;

/** One record as the engine sees it: its id, when it was last modified, and the requested fields. */
export interface SourceRecord {
  id: string;
  modifiedUs: number;
  values: FieldValues;
}

/** The compound change cursor: records after (modifiedUs, id) in that order. */
export interface ChangeCursor {
  modifiedUs: number;
  id: string;
}

/** Where a table's records live and which columns play which role. */
export interface TableSpec {
  table: string;
  idColumn: string;
  modifiedColumn: string;
  /**
   * Optional raw condition in the app's own language (SQL for the SQL connector) that limits the records
   * taking part. Only the config file sets it: it is pasted into queries as it is.
   */
  filter?: string | null;
  /**
   * The structured filter (record-filter.ts): conditions, all of which a record must meet to take part,
   * ANDed with `filter`. Each connector compiles it with bound values; its fields are columns of the table.
   */
  conditions?: readonly FilterCondition[] | null;
}

export interface ColumnInfo {
  name: string;
  /** The column's declared type, as the app reports it. */
  type: string;
  nullable: boolean;
  /** True when the app assigns a value on insert (a default or identity). */
  hasDefault: boolean;
}

/** One row's outcome of a write. A failure carries the app's message and detail, never throws. */
export type WriteResult =
  | { ok: true; id: string; modifiedUs: number }
  | { ok: false; message: string; detail?: string };

export interface UpdateRow {
  id: string;
  values: FieldValues;
}

export interface TableConnector {
  readonly spec: TableSpec;
  /** The table's columns; throws `TableNotFoundError` when the table does not exist. */
  describe(): Promise<ColumnInfo[]>;
  /**
   * Records with (modifiedOn, id) strictly after `after` (all records when null), ordered by
   * (modifiedOn, id), at most `limit`. Fields not in the table come back undefined.
   */
  readChanges(after: ChangeCursor | null, limit: number, fields: readonly string[]): Promise<SourceRecord[]>;
  /** The records with these ids that exist (in no particular order); missing ids are simply absent. */
  getByIds(ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]>;
  /**
   * Records whose `field` equals one of `values`; with `caseSensitive` false, compared case-insensitively.
   * Used for match-based coupling and for the external key.
   */
  findByField(
    field: string,
    values: readonly unknown[],
    fields: readonly string[],
    caseSensitive: boolean,
  ): Promise<SourceRecord[]>;
  /** Ids in keyset order after `after`, for the deletion scan. */
  listIds(after: string | null, limit: number): Promise<string[]>;
  /**
   * Inserts rows; the app assigns the id where the id column has a default, else the connector makes a
   * UUID. Sets modified-on to now and returns the stored value. One result per row, in order.
   */
  insert(rows: readonly FieldValues[]): Promise<WriteResult[]>;
  /** Updates rows by id, setting modified-on to now; a missing row is a failed result. */
  update(rows: readonly UpdateRow[]): Promise<WriteResult[]>;
  /** Deletes rows by id; one result per id (a missing row counts as deleted). */
  delete(ids: readonly string[]): Promise<WriteResult[]>;
  /**
   * Optional: tells `listener` of every wait the app imposes on this table's calls (a 429's Retry-After, a
   * backoff after a 5xx), so that the job can show it. Returns the unsubscribe function.
   */
  onWait?(listener: (wait: ConnectorWaitNotice) => void): () => void;
  /**
   * Optional: the app's own change tracking (Dataverse delta links). Returns the changes since `token`
   * (all records when null) a page at a time, or null when this table cannot be read that way (no change
   * tracking, or a filter the app cannot apply to it); the engine then reads by modified-on.
   */
  readDelta?(token: string | null, limit: number, fields: readonly string[]): Promise<DeltaPage | null>;
}

/** One page of changes read through an app's change tracking. */
export interface DeltaPage {
  /** Records created or changed since the token (each once, as it is now). */
  records: SourceRecord[];
  /** Ids of records deleted since the token (tombstones): deletions, without a scan. */
  deletedIds: string[];
  /** Where to resume: the next page's link while `done` is false, the delta link once it is true. */
  token: string;
  done: boolean;
  /** The token given had expired: this page starts reading every record again. */
  restarted: boolean;
}

/** One wait a connector makes for its app, as a job's log and progress show it. */
export interface ConnectorWaitNotice {
  /** For people: "the CRM (connector "crm") asked to wait 12 s (429 Too Many Requests on POST $batch)". */
  message: string;
  waitMs: number;
  /** The job side's waiting so far, this wait included. */
  totalWaitMs: number;
}

export interface Connector {
  readonly name: string;
  openTable(spec: TableSpec): TableConnector;
  close(): Promise<void>;
}

/** A failure that may clear by itself: the engine retries it with backoff inside the job. */
export class TransientConnectorError extends Error {
  readonly code = 'CONNECTOR_TRANSIENT';
  constructor(
    message: string,
    /** Milliseconds the app asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TransientConnectorError';
  }
}

/** The table a mapping names does not exist in the app. */
export class TableNotFoundError extends Error {
  readonly code = 'TABLE_NOT_FOUND';
  constructor(readonly table: string) {
    super(`table "${table}" does not exist`);
    this.name = 'TableNotFoundError';
  }
}

/** Connectors by the name the config gives them (`erp`, `crm`). */
export type ConnectorRegistry = ReadonlyMap<string, Connector>;
