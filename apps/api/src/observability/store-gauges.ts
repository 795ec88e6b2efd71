import {
  countSyncErrors,
  countUnfinishedJobs,
  type Logger,
  type Store,
  SYNC_ERROR_KINDS,
  type SyncErrorCount,
  type UnfinishedJobCount,
} from '@tandem/sync-core';
import { Gauge, type Registry } from 'prom-client';
import type { MappingNames } from './mapping-names.js';

/** How long one reading of the store serves scrapes: several Prometheus servers, or a burst, cost one query. */
export const DEFAULT_STORE_GAUGES_MAX_AGE_MS = 5_000;

interface StoreReading {
  names: Map<number, string>;
  errors: SyncErrorCount[];
  jobs: UnfinishedJobCount[];
}

/**
 * Gauges read from the store when Prometheus scrapes: open errors by mapping and kind (one grouped
 * query on the errors' status index) and the queue — jobs waiting (QUEUED) and running (RUNNING) per
 * mapping, from the `sync_job` rows every queue driver keeps. A reading is kept for `maxAgeMs`. Every
 * mapping is exported with every kind and state, zeros included, so a series does not vanish when its
 * errors are cleared. These numbers are the store's, the same from every process: aggregate them with
 * `max`, not `sum`.
 */
export function registerStoreGauges(
  registry: Registry,
  store: Store,
  names: MappingNames,
  log: Logger,
  maxAgeMs = DEFAULT_STORE_GAUGES_MAX_AGE_MS,
): void {
  let cached: { at: number; reading: Promise<StoreReading> } | null = null;
  const read = (): Promise<StoreReading> => {
    const now = Date.now();
    if (cached && now - cached.at < maxAgeMs) return cached.reading;
    const reading = Promise.all([names.refresh(), countSyncErrors(store.sql), countUnfinishedJobs(store.sql)]).then(
      ([names, errors, jobs]) => ({ names, errors, jobs }),
    );
    // Two gauges collect at once on each scrape: they share the reading, and a failed one is not kept.
    cached = { at: now, reading };
    reading.catch(() => {
      if (cached?.reading === reading) cached = null;
    });
    return reading;
  };
  const label = (reading: StoreReading, mappingId: number) => reading.names.get(mappingId) ?? String(mappingId);
  /** The reading, or null when the store does not answer: the scrape still gets every other metric. */
  const readOrNothing = (gauge: Gauge) =>
    read().catch((error) => {
      gauge.reset();
      log.warn('metrics: the store did not answer', { err: error });
      return null;
    });

  /** A gauge filled from the reading at each scrape; without one (store down) it exports nothing. */
  const storeGauge = (
    configuration: { name: string; help: string; labelNames: string[] },
    fill: (gauge: Gauge, reading: StoreReading) => void,
  ) =>
    new Gauge({
      ...configuration,
      registers: [registry],
      async collect() {
        const reading = await readOrNothing(this);
        if (!reading) return;
        this.reset();
        fill(this, reading);
      },
    });

  storeGauge(
    {
      name: 'tandem_sync_errors_open',
      help: 'Open sync errors (waiting for triage), by mapping and kind.',
      labelNames: ['mapping', 'kind'],
    },
    (gauge, reading) => {
      for (const mapping of reading.names.values())
        for (const kind of SYNC_ERROR_KINDS) gauge.set({ mapping, kind }, 0);
      for (const row of reading.errors)
        gauge.set({ mapping: label(reading, row.mappingId), kind: row.kind }, row.count);
    },
  );

  storeGauge(
    {
      name: 'tandem_queue_jobs',
      help: 'Sync jobs waiting (QUEUED) or active (RUNNING), by mapping.',
      labelNames: ['mapping', 'state'],
    },
    (gauge, reading) => {
      for (const mapping of reading.names.values()) {
        for (const state of ['waiting', 'active']) gauge.set({ mapping, state }, 0);
      }
      for (const row of reading.jobs) {
        const state = row.status === 'QUEUED' ? 'waiting' : 'active';
        gauge.set({ mapping: label(reading, row.mappingId), state }, row.count);
      }
    },
  );
}
