import { type EventListener, FINISHED_JOB_STATUSES, type Logger, type SyncJobSnapshot } from '@tandem/sync-core';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { MappingNames } from './mapping-names.js';

/** The job counters a finished job adds to `tandem_sync_records_total{counter=…}`. */
const RECORD_COUNTERS = [
  'inserted',
  'modified',
  'deleted',
  'unchanged',
  'skipped',
  'failed',
  'coupled',
  'uncoupled',
] as const;

/** From half a second (an idle incremental run) to an hour (an initial sync of a large table). */
const DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Job ids already counted: a job's final state must count once even if it is announced again. */
const REMEMBERED_JOBS = 10_000;

export interface JobMetrics {
  /** Resolves once every final event seen so far is in the counters (a scrape waits for it). */
  settled(): Promise<void>;
  close(): void;
}

/**
 * Job counters fed by sync-core's `syncJobChanged` events with a final status, as this process sees them:
 * the jobs it ran, the queued jobs it cancelled and the interrupted ones it failed. In a deployment of
 * several processes each exports what it saw, and Prometheus sums the series (`sum by (mapping, status)`).
 */
export function registerJobMetrics(
  registry: Registry,
  events: { subscribe(listener: EventListener): () => void },
  names: MappingNames,
  log: Logger,
): JobMetrics {
  const jobs = new Counter({
    name: 'tandem_sync_jobs_total',
    help: 'Sync jobs that ended, by mapping and final status (SUCCEEDED, PARTIAL, FAILED, CANCELLED).',
    labelNames: ['mapping', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tandem_sync_job_duration_seconds',
    help: 'How long sync jobs ran, from start to end, by mapping and final status.',
    labelNames: ['mapping', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const records = new Counter({
    name: 'tandem_sync_records_total',
    help: "Records counted by ended sync jobs, by mapping and the job's counter (inserted, modified, …).",
    labelNames: ['mapping', 'counter'],
    registers: [registry],
  });

  const counted = new Set<number>();
  let pending: Promise<void> = Promise.resolve();

  const count = async (job: SyncJobSnapshot) => {
    const mapping = await names.nameOf(job.mappingId).catch(() => String(job.mappingId));
    jobs.inc({ mapping, status: job.status });
    // A job cancelled while it waited never ran: it has no duration.
    if (job.startedAt != null && job.finishedAt != null) {
      duration.observe({ mapping, status: job.status }, Math.max(0, job.finishedAt - job.startedAt) / 1000);
    }
    for (const counter of RECORD_COUNTERS) {
      if (job[counter] > 0) records.inc({ mapping, counter }, job[counter]);
    }
  };

  const unsubscribe = events.subscribe((event) => {
    if (event.type !== 'syncJobChanged') return;
    const { job } = event;
    if (!(FINISHED_JOB_STATUSES as readonly string[]).includes(job.status) || counted.has(job.id)) return;
    counted.add(job.id);
    if (counted.size > REMEMBERED_JOBS) counted.delete(counted.values().next().value!);
    // Chained, so that a scrape can wait for every job it has been told of.
    pending = pending.then(() => count(job)).catch((error) => log.error('job metrics failed', { err: error }));
  });

  return { settled: () => pending, close: unsubscribe };
}
