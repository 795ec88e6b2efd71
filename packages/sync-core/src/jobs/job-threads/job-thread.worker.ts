import { parentPort, workerData } from 'node:worker_threads';
import type { Connector } from '../../connectors/connector.js';
import { openConnector } from '../../connectors/connector-spec.js';
import { createStore, type Store } from '../../db/orm.js';
import { runSync } from '../../engine/run-sync.js';
import type { SyncContext } from '../../engine/sync-context.js';
import { describeError } from '../../errors/redact-sql.js';
import type { FromJobThread, JobThreadData, JobThreadRun, ToJobThread } from './job-thread-protocol.js';

/**
 * A job thread: opens its own store and connectors once, then runs one job at a time with the engine, so
 * that a big job's CPU and synchronous SQLite work happen off the API's event loop. The main thread keeps
 * the job's row, lease and events (jobs/job-runner.ts); this thread only runs `runSync` and reports.
 */
const port = parentPort!;
const data = workerData as JobThreadData;
const send = (message: FromJobThread) => port.postMessage(message);

let store: Store | null = null;
const connectors = new Map<string, Connector>();
const pendingAsks = new Map<number, (cancel: boolean) => void>();
let nextAskId = 1;

async function open(): Promise<SyncContext> {
  for (const [name, spec] of Object.entries(data.connectors)) connectors.set(name, await openConnector(name, spec));
  // The main thread migrated the store already; this connection only uses it.
  store = await createStore({ url: data.storeUrl, migrate: false });
  return {
    store,
    connectors,
    workerId: data.workerId,
    settings: data.settings,
    events: { publish: (event) => send({ type: 'event', event }) },
  };
}

async function run(context: SyncContext, job: JobThreadRun): Promise<void> {
  try {
    const outcome = await runSync(context, {
      ...job,
      isCancelRequested: () =>
        new Promise<boolean>((resolve) => {
          const askId = nextAskId++;
          pendingAsks.set(askId, resolve);
          send({ type: 'isCancelRequested', askId });
        }),
      onProgress: (counters) => send({ type: 'progress', counters }),
      onNotice: (message) => send({ type: 'notice', message }),
    });
    send({ type: 'done', outcome });
  } catch (error) {
    send({ type: 'failed', message: describeError(error).split('\n')[0]! });
  }
}

async function close(): Promise<void> {
  for (const connector of connectors.values()) await connector.close().catch(() => {});
  await store?.close().catch(() => {});
  port.close();
}

open().then(
  (context) => {
    port.on('message', (message: ToJobThread) => {
      if (message.type === 'run') void run(context, message.run);
      else if (message.type === 'cancelAnswer') {
        pendingAsks.get(message.askId)?.(message.cancel);
        pendingAsks.delete(message.askId);
      } else if (message.type === 'close') void close();
    });
    send({ type: 'ready' });
  },
  (error) => {
    send({ type: 'startFailed', message: describeError(error).split('\n')[0]! });
    void close();
  },
);
