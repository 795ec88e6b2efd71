import { consoleLogger, type EventListener, type Logger, type Store } from '@tandem/sync-core';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { KeySessions, SessionKind } from '../auth/key-sessions.js';
import { type JobMetrics, registerJobMetrics } from './job-metrics.js';
import { MappingNames } from './mapping-names.js';
import { useOperationMetrics } from './operation-metrics.js';
import { registerStoreGauges } from './store-gauges.js';

export interface ApiMetricsOptions {
  store: Store;
  /** The process's domain event bus: finished jobs feed the job counters. */
  events: { subscribe(listener: EventListener): () => void };
  logger?: Logger;
  /** How long a reading of the store's gauges serves scrapes; default 5 s. */
  storeGaugesMaxAgeMs?: number;
}

/** What `/metrics` exports, in the Prometheus text format. */
export interface MetricsPage {
  contentType: string;
  body: string;
}

/**
 * The process's Prometheus registry (its own, not prom-client's global one, so that two APIs in one test
 * process do not collide): job counters from sync-core's events, the store's gauges (open errors, queue),
 * open subscriptions from the API's key sessions, yoga's operation timings, and Node's process metrics
 * (CPU, memory, event-loop delay — which shows whether jobs stay off the API's thread).
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly jobs: JobMetrics;
  private sessionsWatched = false;

  constructor(options: ApiMetricsOptions) {
    const log = options.logger ?? consoleLogger('tandem metrics');
    const names = new MappingNames(options.store);
    collectDefaultMetrics({ register: this.registry });
    this.jobs = registerJobMetrics(this.registry, options.events, names, log);
    registerStoreGauges(this.registry, options.store, names, log, options.storeGaugesMaxAgeMs);
  }

  /** Open subscriptions and graphql-ws connections of this API process, counted when scraped. */
  watchSessions(sessions: KeySessions): void {
    if (this.sessionsWatched) return;
    this.sessionsWatched = true;
    const gauges: [name: string, help: string, kind: SessionKind][] = [
      ['tandem_subscriptions_open', 'GraphQL subscriptions open on this process (SSE and WebSocket).', 'subscription'],
      ['tandem_websocket_connections_open', 'graphql-ws connections open on this process.', 'connection'],
    ];
    for (const [name, help, kind] of gauges) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(sessions.total(kind));
        },
      });
    }
  }

  /** Yoga's plugin that times operations into this registry. */
  operationPlugin(): Plugin {
    return useOperationMetrics(this.registry);
  }

  async page(): Promise<MetricsPage> {
    await this.jobs.settled();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.jobs.close();
  }
}
