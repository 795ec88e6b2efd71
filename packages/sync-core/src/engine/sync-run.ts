import type { SyncJobStatus } from '../entities/enums.js';

/** The counters of a job, as DESIGN.md rule 8 names them, plus records read for progress. */
export interface SyncCounters {
  inserted: number;
  modified: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  failed: number;
  coupled: number;
  uncoupled: number;
  processed: number;
}

export function emptyCounters(): SyncCounters {
  return {
    inserted: 0,
    modified: 0,
    deleted: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    coupled: 0,
    uncoupled: 0,
    processed: 0,
  };
}

/**
 * One job as the engine receives it from the job runner. The runner owns the job row's status, the lease
 * and events; the engine owns the records, couplings, errors, log entries and checkpoints.
 */
export interface SyncRun {
  jobId: number;
  mappingId: number;
  /** Read every record from the start and scan every coupling for deletions. */
  full: boolean;
  /** A RETRY job touches only these couplings; null for a normal run. */
  scope: number[] | null;
  /** Whom the run's log entries name; default "job". A manual synchronize of given records names its caller. */
  actor?: string;
  /** Checked between batches; true stops the run after the current batch, which completes whole. */
  isCancelRequested(): Promise<boolean>;
  /** Called after every batch with the running totals; the runner persists and publishes (throttled). */
  onProgress(counters: SyncCounters): void;
  /** A sentence about the running job for its log and progress, e.g. a wait a connector makes for its app. */
  onNotice?(message: string): void;
}

/** How a run ended. FAILED carries the reason in `message`; PARTIAL means some records failed. */
export interface SyncOutcome {
  status: Extract<SyncJobStatus, 'SUCCEEDED' | 'PARTIAL' | 'FAILED' | 'CANCELLED'>;
  counters: SyncCounters;
  message: string | null;
}
