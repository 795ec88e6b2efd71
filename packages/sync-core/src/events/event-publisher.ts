import type { AlertStateChange } from '../alerts/alert-signal.js';
import type { EntityRow } from '../db/entity-rows.js';
import type { SyncJob } from '../entities/sync-job.entity.js';

/** What a snapshot leaves out: how the job was asked for and who runs it (a subscriber loads them on demand). */
export const SNAPSHOT_LEAVES_OUT = [
  'trigger',
  'full',
  'scope',
  'requestedBy',
  'cancelRequested',
  'workerId',
  'rerunJobId',
] as const;

/**
 * A job's state as subscribers see it: its row but the request details — status, times, counters and
 * message, enough for a progress bar without another query. A new column of the job shows here too.
 */
export type SyncJobSnapshot = Omit<EntityRow<SyncJob>, (typeof SNAPSHOT_LEAVES_OUT)[number]>;

/**
 * What sync-core announces. The API bridges these to its GraphQL pub/sub (in process, or Redis when
 * several instances run); sync-core itself knows nothing of GraphQL.
 */
export type DomainEvent =
  /** A job was queued, started, progressed, or finished. Progress events are throttled by the publisher of the job. */
  | { type: 'syncJobChanged'; job: SyncJobSnapshot }
  /** Errors of a mapping were opened or resolved: summary counts should be refreshed. */
  | { type: 'syncErrorsChanged'; mappingId: number }
  /** A rule's state for a mapping changed (FIRING or RESOLVED); see alerts/alert-state-machine.ts. */
  | { type: 'alertStateChanged'; change: AlertStateChange };

export interface EventPublisher {
  publish(event: DomainEvent): void;
}

export type EventListener = (event: DomainEvent) => void;

/** The in-process publisher: synchronous fan-out to listeners; a throwing listener never hurts the job. */
export class InProcessEventBus implements EventPublisher {
  private readonly listeners = new Set<EventListener>();

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber's bug must not fail a sync job; the API logs its own errors.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
