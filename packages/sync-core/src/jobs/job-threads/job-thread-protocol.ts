import type { ConnectorSpec } from '../../connectors/connector-spec.js';
import type { EngineSettings } from '../../engine/sync-context.js';
import type { SyncCounters, SyncOutcome } from '../../engine/sync-run.js';
import type { DomainEvent } from '../../events/event-publisher.js';

/** What a job thread is started with: enough to open its own store and connectors. */
export interface JobThreadData {
  storeUrl: string;
  connectors: Record<string, ConnectorSpec>;
  workerId: string;
  settings?: Partial<EngineSettings>;
}

/** The part of a `SyncRun` that is data; its two callbacks become messages. */
export interface JobThreadRun {
  jobId: number;
  mappingId: number;
  full: boolean;
  scope: number[] | null;
  /** Whom the run's log entries name (see SyncRun.actor); absent: "job". */
  actor?: string;
}

/** Main thread → job thread. */
export type ToJobThread =
  | { type: 'run'; run: JobThreadRun }
  | { type: 'cancelAnswer'; askId: number; cancel: boolean }
  | { type: 'close' };

/** Job thread → main thread. */
export type FromJobThread =
  | { type: 'ready' }
  /** Opening the store or a connector failed: the thread cannot run jobs. */
  | { type: 'startFailed'; message: string }
  | { type: 'progress'; counters: SyncCounters }
  | { type: 'notice'; message: string }
  /** A domain event the engine published (errors opened or resolved), for the main thread's bus. */
  | { type: 'event'; event: DomainEvent }
  /** The engine asks, between batches, whether to stop; answered with `cancelAnswer`. */
  | { type: 'isCancelRequested'; askId: number }
  | { type: 'done'; outcome: SyncOutcome }
  | { type: 'failed'; message: string };
