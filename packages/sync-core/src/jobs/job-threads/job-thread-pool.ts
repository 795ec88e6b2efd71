import { Worker } from 'node:worker_threads';
import type { SyncOutcome, SyncRun } from '../../engine/sync-run.js';
import type { DomainEvent } from '../../events/event-publisher.js';
import { consoleLogger, type Logger } from '../../logging/logger.js';
import type { RunJob } from '../job-queue.js';
import type { FromJobThread, JobThreadData, ToJobThread } from './job-thread-protocol.js';

export interface JobThreadPoolOptions {
  /** Events the engine published on a job thread, for this thread's event bus. */
  onEvent(event: DomainEvent): void;
  /** Where a thread's start (how long it took) and a failed pre-start go; default: failures to stderr. */
  logger?: Logger;
}

/**
 * Runs jobs on worker threads: a `RunJob` for any queue driver, so that the engine's work (CPU, and the
 * SQLite driver's synchronous calls) never blocks the API's event loop — progress events reach
 * subscribers while a job runs, and `/healthz` answers at once. Threads are kept for the next job, and
 * one that dies is replaced; the job it ran fails with the reason, and the next run resumes from the last
 * checkpoint. A process that runs jobs starts its threads ahead (`prestart`, one per job it runs at once):
 * a thread's start — loading the engine and its drivers, opening the store and connectors — costs 1–2 s
 * of CPU on an idle machine and several times that on a busy one, which a job claimed first would wait
 * for; otherwise threads are started on demand.
 *
 * Worker threads rather than child processes: a thread starts in a fraction of the time, shares the
 * process's memory limits and lifetime (nothing is left running when Tandem stops), and its messages are
 * structured-cloned without a serialisation protocol of our own. docs/JOBS.md has the measurements.
 */
export class JobThreadPool {
  private readonly idle: JobThread[] = [];
  private readonly busy = new Set<JobThread>();
  /** Threads being pre-started that no job has taken yet. */
  private readonly starting = new Set<Promise<JobThread>>();
  private readonly logger: Logger;
  private closed = false;

  constructor(
    private readonly data: JobThreadData,
    private readonly options: JobThreadPoolOptions,
  ) {
    this.logger = options.logger ?? consoleLogger('tandem job threads');
  }

  /** Runs one job on a thread of the pool. */
  readonly runJob: RunJob = async (run) => {
    if (this.closed) throw new Error('the job thread pool is closed');
    const thread = await this.take();
    this.busy.add(thread);
    try {
      return await thread.run(run);
    } finally {
      this.busy.delete(thread);
      if (thread.alive && !this.closed) this.idle.push(thread);
      else await thread.stop();
    }
  };

  /**
   * Starts threads until `count` are alive or starting, and resolves when they are ready. A job that
   * comes meanwhile takes a starting thread rather than starting another. A thread that cannot start is
   * logged, not thrown: jobs then start threads on demand and fail with the reason if it persists.
   */
  prestart(count: number): Promise<void> {
    const ready: Promise<void>[] = [];
    while (!this.closed && this.size + this.starting.size < count) {
      const pending = this.startThread();
      this.starting.add(pending);
      ready.push(
        pending.then(
          async (thread) => {
            // Taken by a job while it started: that job owns it now.
            if (!this.starting.delete(pending)) return;
            if (this.closed) await thread.stop();
            else this.idle.push(thread);
          },
          (error: unknown) => {
            if (this.starting.delete(pending)) this.logger.error('a job thread could not be started', { err: error });
          },
        ),
      );
    }
    return Promise.all(ready).then(() => {});
  }

  /** Threads started and alive (idle or running a job); for tests and health checks. */
  get size(): number {
    return this.idle.length + this.busy.size;
  }

  /** Stops the idle and starting threads; busy ones stop when their job ends (the queue waits for its jobs on close). */
  async close(): Promise<void> {
    this.closed = true;
    const starting = [...this.starting];
    this.starting.clear();
    await Promise.all([
      ...this.idle.splice(0).map((thread) => thread.stop()),
      ...starting.map((pending) =>
        pending.then(
          (thread) => thread.stop(),
          () => {},
        ),
      ),
    ]);
  }

  /** An idle thread, else one being pre-started, else a new one. */
  private async take(): Promise<JobThread> {
    const idle = this.idle.pop();
    if (idle) return idle;
    const [pending] = this.starting;
    if (pending) {
      this.starting.delete(pending);
      const thread = await pending.catch(() => null);
      if (thread) return thread;
    }
    return this.startThread();
  }

  private async startThread(): Promise<JobThread> {
    const started = performance.now();
    const thread = await JobThread.start(this.data, this.options.onEvent);
    this.logger.info('job thread started', { ms: Math.round(performance.now() - started) });
    return thread;
  }
}

/**
 * The worker: the compiled JavaScript file in a build; when run from source (tests under vitest), a small
 * bootstrap (run-from-source.mjs) that registers tsx in the thread, then imports the TypeScript file.
 */
function newWorker(data: JobThreadData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./job-thread.worker.js', import.meta.url), { workerData: data });
  }
  const file = new URL('./job-thread.worker.ts', import.meta.url).href;
  return new Worker(new URL('./run-from-source.mjs', import.meta.url), { workerData: data, argv: [file] });
}

/** How long a closing thread may take to close its connections before it is terminated. */
const STOP_TIMEOUT_MS = 5_000;

/** One worker thread and the job it runs, if any. */
class JobThread {
  alive = true;
  private exited = false;
  private current: {
    run: SyncRun;
    resolve: (outcome: SyncOutcome) => void;
    reject: (error: Error) => void;
  } | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly onEvent: (event: DomainEvent) => void,
  ) {
    worker.on('message', (message: FromJobThread) => this.receive(message));
    worker.on('error', (error) => this.lost(`the job thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      this.exited = true;
      this.lost(`the job thread stopped (exit code ${code})`);
    });
    worker.unref();
  }

  static start(data: JobThreadData, onEvent: (event: DomainEvent) => void): Promise<JobThread> {
    const worker = newWorker(data);
    return new Promise((resolve, reject) => {
      const onStart = (message: FromJobThread) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new JobThread(worker, onEvent));
        } else if (message.type === 'startFailed') {
          cleanup();
          void worker.terminate();
          reject(new Error(message.message));
        }
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the job thread stopped while starting (exit code ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onStart);
        worker.off('exit', onExit);
        worker.off('error', onExit);
      };
      worker.on('message', onStart);
      worker.on('exit', onExit);
      worker.on('error', onExit);
    });
  }

  run(run: SyncRun): Promise<SyncOutcome> {
    return new Promise((resolve, reject) => {
      this.current = { run, resolve, reject };
      // A running job keeps the process alive, as a job on the main thread would.
      this.worker.ref();
      const { jobId, mappingId, full, scope, actor } = run;
      this.send({ type: 'run', run: { jobId, mappingId, full, scope, actor } });
    });
  }

  /**
   * Asks the thread to close its store and connections and waits until it has exited: a process that
   * exits while a thread still holds open database handles can crash in the driver's native teardown.
   * A thread that does not finish in time is terminated.
   */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.alive = false;
    this.send({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private receive(message: FromJobThread): void {
    const current = this.current;
    if (!current) return;
    switch (message.type) {
      case 'progress':
        current.run.onProgress(message.counters);
        break;
      case 'notice':
        current.run.onNotice?.(message.message);
        break;
      case 'event':
        this.onEvent(message.event);
        break;
      case 'isCancelRequested':
        current.run.isCancelRequested().then(
          (cancel) => this.send({ type: 'cancelAnswer', askId: message.askId, cancel }),
          // Unsure (the store did not answer): go on; the next batch asks again.
          () => this.send({ type: 'cancelAnswer', askId: message.askId, cancel: false }),
        );
        break;
      case 'done':
        this.finish();
        current.resolve(message.outcome);
        break;
      case 'failed':
        this.finish();
        current.reject(new Error(message.message));
        break;
    }
  }

  private finish(): void {
    this.current = null;
    this.worker.unref();
  }

  private lost(reason: string): void {
    this.alive = false;
    const current = this.current;
    this.current = null;
    current?.reject(new Error(reason));
  }

  private send(message: ToJobThread): void {
    if (this.alive || message.type === 'close') this.worker.postMessage(message);
  }
}
