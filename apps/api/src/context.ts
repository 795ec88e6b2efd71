import type { EntityManager } from '@mikro-orm/knex';
import type {
  ActionLeaseSettings,
  AlertChannel,
  ConnectorRegistry,
  EventPublisher,
  JobQueue,
  Store,
} from '@tandem/sync-core';
import type { Caller } from './auth/api-keys.js';
import type { KeySessions } from './auth/key-sessions.js';
import type { TandemPubSub } from './pubsub.js';
import type { ReadinessCheck } from './runtime/readiness.js';

/** What the API runs on; built once at start (see server.ts) and shared by every request. */
export interface ApiServices {
  store: Store;
  /** Runs jobs and keeps the mappings' schedules (a changed mapping hands its new one to `setSchedule`). */
  queue: JobQueue;
  connectors: ConnectorRegistry;
  /** sync-core's publisher: triage actions announce the errors they resolve through it. */
  events: EventPublisher;
  pubsub: TandemPubSub;
  /** What `/readyz` checks; default the store alone. With Redis configured, Redis too. */
  readiness?: ReadinessCheck[];
  /**
   * How triage actions wait for a running job of their mapping before they answer MAPPING_BUSY
   * (docs/TRIAGE.md); sync-core's default (up to 5 s) without it.
   */
  actionLease?: Partial<ActionLeaseSettings>;
  /** The configured alert channels (by name; never shown with their secrets); none without it. */
  alerts?: { channels: ReadonlyMap<string, AlertChannel> };
}

/**
 * One request's context. The EntityManager is forked per request so that its identity map (and anything
 * a resolver loads) never outlives the request or leaks between callers; resolvers never touch a
 * module-level database.
 */
export interface GraphQLContext {
  services: ApiServices;
  em: EntityManager;
  /** The API key's owner; null only where auth already refused the request (never seen by resolvers). */
  caller: Caller | null;
  /** Key sessions of this API process: revoking a key here ends its open connections at once. */
  sessions: KeySessions | null;
}

export function createContext(
  services: ApiServices,
  caller: Caller | null,
  sessions: KeySessions | null = null,
): GraphQLContext {
  return { services, em: services.store.em(), caller, sessions };
}
