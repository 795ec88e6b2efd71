import type { ConnectorRegistry } from '../connectors/connector.js';
import type { Store } from '../db/orm.js';
import type { EngineSettings } from '../engine/sync-context.js';
import type { Side } from '../entities/enums.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { SyncErrorFilter } from '../repositories/sync-error-filter.js';
import type { ActionLeaseSettings } from './action-lease.js';

/** The errors an action works on: a list of ids, or every error matching a filter (exactly one). */
export type ErrorSelection =
  | { ids: readonly number[]; filter?: undefined }
  | { filter: SyncErrorFilter; ids?: undefined };

/** What an action needs: the store, the apps, where to announce changes, the queue (retry with runNow), who acts. */
export interface ActionContext {
  store: Store;
  connectors: ConnectorRegistry;
  events: EventPublisher;
  /** Needed by retry with `runNow`; without it, released couplings wait for the next scheduled job. */
  queue?: JobQueue;
  /** Who did it, for the log and the error's `resolvedBy`: an API key's name, `cli`, … */
  actor: string;
  settings?: Partial<EngineSettings>;
  /**
   * How an action that writes a mapping's records or couplings waits for the mapping's lease (default: up to
   * 5 s; see `DEFAULT_ACTION_LEASE`) before it refuses that mapping's items with MAPPING_BUSY.
   */
  lease?: Partial<ActionLeaseSettings>;
}

/** Why one requested error was not acted on. */
export interface ActionFailure {
  errorId: number;
  /** NOT_FOUND, NOT_OPEN, ACTION_NOT_APPLICABLE, WRITE_FAILED, RECORD_MISSING, MAPPING_BUSY … */
  code: string;
  reason: string;
  /** MAPPING_BUSY: the running job that kept the mapping, when a job (not another action) did. */
  jobId?: number | null;
}

/** Per-item outcome of a bulk action (DESIGN.md: requested, succeeded, failed with reasons). */
export interface ActionResult {
  requested: number;
  succeeded: number;
  failed: number;
  /** One entry per failed item (at most `MAX_REPORTED_FAILURES`; `failed` counts them all). */
  failures: ActionFailure[];
  /** Jobs queued by the action (retry with runNow). */
  jobIds: number[];
  /**
   * Retry only: how many errors were released for the next job (not fixed: each resolves only when that job
   * syncs its record, or opens again). Retry also counts them in `succeeded`, for callers that predate this.
   */
  released?: number;
}

export const MAX_REPORTED_FAILURES = 1000;

export interface RetryOptions {
  /** Queue a RETRY job per mapping for the released couplings at once. */
  runNow?: boolean;
}

export interface SynchronizeOptions {
  /** The side whose values win for every field not in `fieldWinners`. */
  winner: Side;
  /** Per-field choices, by local field name (or integration field name). */
  fieldWinners?: ReadonlyArray<{ field: string; winner: Side }>;
}

export interface RetentionResult {
  jobs: number;
  errors: number;
  logEntries: number;
}
