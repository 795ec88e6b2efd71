import type { ConnectorRegistry } from '../connectors/connector.js';
import type { Store } from '../db/orm.js';
import type { EventPublisher } from '../events/event-publisher.js';

/** Tunables of the engine; defaults suit both SQLite and PostgreSQL. */
export interface EngineSettings {
  /** Records read per change batch and written per transaction. */
  batchSize: number;
  /**
   * The batch size while a side is read from the start (its first sync, or a full sync): a bulk load,
   * where larger batches mean fewer statements and commits. Normal runs keep `batchSize`, which bounds
   * a job's memory.
   */
  initialBatchSize: number;
  /**
   * Change reading restarts this far before the checkpoint, so that records committed late with an older
   * modified-on, or sharing the checkpoint's timestamp, are never missed. Re-read records compare unchanged.
   */
  lookBackMs: number;
  /** How often each side of a mapping is scanned for deleted coupled records (a full sync always scans). */
  deletionScanSeconds: number;
  /** Attempts for a transient connector failure within a job, with exponential backoff. */
  transientRetries: number;
  /** First backoff delay; doubled per attempt, or the app's Retry-After when it gives one. */
  transientBackoffMs: number;
  /** Released couplings (retry, retry all) a job works per second at most: bulk retry must not flood an app. */
  retryRecordsPerSecond: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  batchSize: 1000,
  initialBatchSize: 5000,
  lookBackMs: 5000,
  deletionScanSeconds: 300,
  transientRetries: 4,
  transientBackoffMs: 200,
  retryRecordsPerSecond: 2000,
};

/** What a job run needs: Tandem's store, the apps' connectors, where to announce events, and who runs it. */
export interface SyncContext {
  store: Store;
  connectors: ConnectorRegistry;
  events: EventPublisher;
  /** Identifies this process in leases and job rows. */
  workerId: string;
  settings?: Partial<EngineSettings>;
}
