import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  BullMqQueue,
  type Connector,
  createStore,
  InProcessEventBus,
  InProcessQueue,
  type JobQueue,
  JobThreadPool,
  type Logger,
  RetentionSchedule,
  type Store,
  saveTableMapping,
} from '@tandem/sync-core';
import type { TandemConfig } from '../config/config.schema.js';
import { type AlertsRuntime, startAlerts } from './alerts-runtime.js';
import { closeConnectors, openConnectors } from './open-connectors.js';

/** A running Tandem: the store, the apps' connectors, the event bus and the job queue. */
export interface TandemRuntime {
  store: Store;
  connectors: Map<string, Connector>;
  events: InProcessEventBus;
  queue: JobQueue;
  /** Alert channels, and the deliverer where this process delivers (runtime/alerts-runtime.ts). */
  alerts: AlertsRuntime;
  /** Stops taking jobs, lets a running job finish (or cancels it after a timeout), closes everything. */
  close(): Promise<void>;
}

/**
 * Opens the connectors, the store (migrating it), writes the config's mappings into the store (by
 * name: a mapping changed in the file replaces the stored one) and starts the queue with its schedules
 * and the retention policy (`retention.days`, daily).
 *
 * The connectors come first and, where jobs run, must answer: an app's database that is missing or
 * unreachable stops the start with an `InvalidConfigError` naming `connectors.NAME.url`, before the
 * store is created. A runtime that runs no jobs (`errors list`) does not need the apps up.
 */
export async function startRuntime(
  config: TandemConfig,
  options: {
    runJobs?: boolean;
    schedules?: boolean;
    jobThreads?: boolean;
    /**
     * Starts the job threads (one per job run at once, `jobs.concurrency`) with the runtime, in the
     * background, instead of at the first jobs (`tandem start`); each logs `job thread started`.
     */
    prestartJobThreads?: boolean;
    /** Where the queue, its jobs and the retention policy log; default sync-core's (errors to stderr). */
    logger?: Logger;
  } = {},
): Promise<TandemRuntime> {
  const { connectors, problems } = await openConnectors(config.connectors, { verify: options.runJobs ?? true });
  if (problems.length > 0) {
    await closeConnectors(connectors);
    throw problems[0];
  }
  let store: Store;
  try {
    store = await createStore({ url: config.database.url });
  } catch (error) {
    await closeConnectors(connectors);
    throw error;
  }
  for (const mapping of config.mappings) await saveConfiguredMapping(store, mapping);
  const events = new InProcessEventBus();
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // The config's alert rules are written like its mappings; notifications are delivered where jobs run
  // (jobs write them), safely by every such process at once (runtime/alerts-runtime.ts).
  let alerts: AlertsRuntime;
  try {
    alerts = await startAlerts(store, config.alerts, {
      events,
      deliver: options.runJobs ?? true,
      owner: workerId,
      logger: options.logger,
    });
  } catch (error) {
    await store.close();
    await closeConnectors(connectors);
    throw error;
  }
  // Jobs run on worker threads (each with its own store and app connections), never on this event loop:
  // a big job must not stall the API. An in-memory store cannot be shared with a thread, so it keeps
  // jobs here (tests of the engine itself do that).
  const threads =
    (options.jobThreads ?? process.env.TANDEM_JOB_THREADS !== 'false') && !isInMemory(config.database.url)
      ? new JobThreadPool(
          { storeUrl: config.database.url, connectors: config.connectors, workerId },
          { onEvent: (event) => events.publish(event), logger: options.logger },
        )
      : null;
  // With Redis configured, BullMQ carries jobs across processes (and keeps the schedules once per
  // deployment); without it, the in-process driver. Both keep `sync_job` as the record and run jobs on
  // the job threads.
  const context = { store, connectors, events, workerId };
  const leaseTtlMs = config.jobs.leaseSeconds * 1000;
  const queue: JobQueue = config.queue
    ? new BullMqQueue({
        context,
        runJob: threads?.runJob,
        redis: config.queue.redis,
        prefix: config.queue.prefix,
        worker: options.runJobs ?? true,
        leaseTtlMs,
        concurrency: config.jobs.concurrency,
        logger: options.logger,
      })
    : new InProcessQueue({
        context,
        runJob: threads?.runJob,
        schedules: options.schedules ?? true,
        leaseTtlMs,
        concurrency: config.jobs.concurrency,
        logger: options.logger,
      });
  // The retention policy runs where the schedules run: in the process that works jobs.
  const log = options.logger;
  const retention = new RetentionSchedule(
    store,
    config.retention.days,
    log ? { onError: (error) => log.error('retention failed', { err: error }) } : {},
  );
  if ((options.runJobs ?? true) && (options.schedules ?? true)) retention.start();
  // Before the queue starts: a job it claims at once takes a thread that is already starting. Not awaited
  // (a start failure is logged by the pool, and jobs then start threads as they need them).
  if (threads && (options.runJobs ?? true) && options.prestartJobThreads)
    void threads.prestart(config.jobs.concurrency);
  if (options.runJobs ?? true) await queue.start();
  return {
    store,
    connectors,
    events,
    queue,
    alerts,
    async close() {
      retention.stop();
      await queue.close({ graceful: true });
      await alerts.close();
      await threads?.close();
      await closeConnectors(connectors);
      await store.close();
    },
  };
}

function isInMemory(url: string): boolean {
  return url.startsWith('sqlite:') && url.slice('sqlite:'.length).replace(/^\/\//, '') === ':memory:';
}

/**
 * Writes one of the config's mappings into the store. Several processes of one deployment start at once
 * and each writes the same mappings: the second insert of a name meets the first one's unique key — it
 * then finds the row and updates it instead, so a simultaneous start never stops a process.
 */
async function saveConfiguredMapping(store: Store, mapping: TandemConfig['mappings'][number]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await saveTableMapping(store.em(), mapping);
      return;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= 3) throw error;
    }
  }
}
