import {
  type ChangeCursor,
  type DeltaPage,
  type FieldValues,
  type SourceRecord,
  type TableConnector,
  TransientConnectorError,
  type UpdateRow,
  type WriteResult,
} from '../connectors/connector.js';
import type { Side } from '../entities/enums.js';
import { ConnectorUnavailableError } from '../errors/connector-unavailable.error.js';
import type { EngineSettings } from './sync-context.js';

/**
 * One side of a mapping during a job: its table connector, the fields the mapping reads there, and the
 * retry of transient failures (with backoff, honouring Retry-After) around every call. A failure that
 * outlasts the retries becomes `ConnectorUnavailableError`, which ends the job FAILED.
 */
export class SideTable {
  constructor(
    readonly side: Side,
    readonly connectorName: string,
    readonly table: TableConnector,
    /** Fields read on this side: the mapped fields (and the external key on the integration side). */
    readonly fields: readonly string[],
    private readonly settings: EngineSettings,
  ) {}

  describe() {
    return this.call(() => this.table.describe());
  }

  readChanges(after: ChangeCursor | null, limit: number): Promise<SourceRecord[]> {
    return this.call(() => this.table.readChanges(after, limit, this.fields));
  }

  /** Changes through the app's change tracking; null when this table is read by modified-on instead. */
  readDelta(token: string | null, limit: number): Promise<DeltaPage | null> {
    const read = this.table.readDelta;
    if (!read) return Promise.resolve(null);
    return this.call(() => read.call(this.table, token, limit, this.fields));
  }

  getByIds(ids: readonly string[]): Promise<SourceRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.call(() => this.table.getByIds(ids, this.fields));
  }

  /** Existing ids among these: for the deletion scan, which needs no field values. */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.call(() => this.table.getByIds(ids, []));
    return new Set(found.map((record) => record.id));
  }

  findByField(field: string, values: readonly unknown[], caseSensitive: boolean): Promise<SourceRecord[]> {
    if (values.length === 0) return Promise.resolve([]);
    return this.call(() => this.table.findByField(field, values, this.fields, caseSensitive));
  }

  insert(rows: readonly FieldValues[]): Promise<WriteResult[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return this.call(() => this.table.insert(rows));
  }

  update(rows: readonly UpdateRow[]): Promise<WriteResult[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return this.call(() => this.table.update(rows));
  }

  delete(ids: readonly string[]): Promise<WriteResult[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.call(() => this.table.delete(ids));
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    let delay = this.settings.transientBackoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof TransientConnectorError)) throw error;
        if (attempt >= this.settings.transientRetries) {
          throw new ConnectorUnavailableError(
            this.connectorName,
            `${error.message} (gave up after ${attempt + 1} attempts)`,
            { cause: error },
          );
        }
        await sleep(error.retryAfterMs ?? delay);
        delay *= 2;
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function otherSide(side: Side): Side {
  return side === 'LOCAL' ? 'INTEGRATION' : 'LOCAL';
}
