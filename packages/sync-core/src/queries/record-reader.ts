import type { ConnectorRegistry, FieldValues } from '../connectors/connector.js';
import { pickValues } from '../engine/values.js';
import type { ResolvedSide } from '../mappings/resolved-mapping.js';

/** What one side's read gave: current values by record id, or why the app could not be asked. */
export interface SideRead {
  values: Map<string, FieldValues>;
  unavailable: string | null;
}

/** How long a detail view waits for an app before it shows the record as unavailable. */
export const DEFAULT_READ_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads the current values of some records of one side in one batched call. Never throws: a detail view
 * is most needed exactly when an app is down, so an unreachable app (or one the config no longer names)
 * becomes a message next to the stored values instead of a failed query.
 */
export async function readSide(
  connectors: ConnectorRegistry,
  side: ResolvedSide,
  ids: readonly string[],
  fields: readonly string[],
  timeoutMs: number,
): Promise<SideRead> {
  const values = new Map<string, FieldValues>();
  if (ids.length === 0) return { values, unavailable: null };
  const connector = connectors.get(side.connector);
  if (!connector) return { values, unavailable: `connector "${side.connector}" is not configured` };
  try {
    const table = connector.openTable({
      table: side.table,
      idColumn: side.idColumn,
      modifiedColumn: side.modifiedColumn,
    });
    const records = await withTimeout(table.getByIds(ids, fields), timeoutMs, `${side.connector}.${side.table}`);
    for (const record of records) values.set(record.id, pickValues(record.values, fields));
    return { values, unavailable: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { values, unavailable: `${side.connector}.${side.table} could not be read: ${reason}` };
  }
}
