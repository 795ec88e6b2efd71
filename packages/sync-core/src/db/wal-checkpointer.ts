import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Background WAL checkpoints for the SQLite files Tandem writes (its store, and the apps through the SQL
 * connector), the way PostgreSQL's checkpointer works: a commit only appends its pages to the WAL, and
 * copying them into the database file (random writes plus an fsync) happens on another thread.
 *
 * Why: SQLite's default runs that copy inside whichever commit crosses 1,000 WAL pages. A job that updates
 * records spread over a large table dirties one page per record, so on a table of a million rows the job
 * paid for checkpointing ten times per batch while it held the write lock: the cost grew with the table,
 * not with the changes. SQLite's documentation suggests exactly this split for such writers ("run
 * checkpoints in a separate thread"); PASSIVE checkpoints never block readers or the writer.
 *
 * The writers keep an automatic checkpoint as a safety net, at WRITER_AUTOCHECKPOINT_PAGES: should this
 * thread fall behind (or be gone), the WAL still cannot grow past about 40 MB.
 */

/** WAL pages after which a writer checkpoints inline anyway (SQLite's default is 1,000). */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/** How often the checkpoint thread looks at each file; a look at a WAL with nothing new costs microseconds. */
const INTERVAL_MS = 100;

// The worker's code, as a string: the same source runs from TypeScript (tests, tsx) and from the build,
// where a separate worker file would need a loader. It opens its own connection per file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
const files = new Map();
function checkpointAll() {
  for (const [path, db] of files) {
    try {
      db.prepare('pragma wal_checkpoint(PASSIVE)').all([]);
    } catch (error) {
      // Busy or gone for a moment: the next round tries again; the writers' safety net still holds.
    }
  }
}
parentPort.on('message', (message) => {
  if (message.type === 'watch' && !files.has(message.path)) {
    const db = new Database(message.path);
    db.prepare('pragma busy_timeout = 1000').all([]);
    files.set(message.path, db);
  } else if (message.type === 'unwatch') {
    const db = files.get(message.path);
    files.delete(message.path);
    if (db) {
      try { db.prepare('pragma wal_checkpoint(PASSIVE)').all([]); } catch (error) {}
      db.close();
    }
    parentPort.postMessage({ type: 'unwatched', path: message.path });
  }
});
setInterval(checkpointAll, workerData.intervalMs);
`;

type Reply = { type: 'unwatched'; path: string };

/** One checkpoint thread per process, shared by every SQLite file it writes; it lives while files are watched. */
class WalCheckpointer {
  private worker: Worker | null = null;
  private readonly watchers = new Map<string, number>();
  private readonly waiting = new Map<string, () => void>();

  /** Starts checkpointing `path` in the background (counted: each watch needs its unwatch). */
  watch(path: string): void {
    const file = resolve(path);
    const count = this.watchers.get(file) ?? 0;
    this.watchers.set(file, count + 1);
    if (count === 0) this.thread().postMessage({ type: 'watch', path: file });
  }

  /** Stops watching `path` once its last user is done, after a final checkpoint; ends the thread when idle. */
  async unwatch(path: string): Promise<void> {
    const file = resolve(path);
    const count = this.watchers.get(file) ?? 0;
    if (count > 1) {
      this.watchers.set(file, count - 1);
      return;
    }
    if (count === 0 || !this.worker) return;
    this.watchers.delete(file);
    const worker = this.worker;
    await this.ask(worker, `unwatched:${file}`, { type: 'unwatch', path: file });
    if (this.watchers.size === 0 && this.worker === worker) {
      this.worker = null;
      await worker.terminate();
    }
  }

  /**
   * Sends a request and waits for its reply. The thread is unref'd so that it never keeps a process alive,
   * which would also let a process end while someone awaits a reply (after `store.close()`, say): it is
   * ref'd for the wait.
   */
  private async ask(worker: Worker, replyKey: string, message: unknown): Promise<void> {
    worker.ref();
    try {
      await new Promise<void>((done) => {
        this.waiting.set(replyKey, done);
        worker.postMessage(message);
      });
    } finally {
      worker.unref();
    }
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const libsql = createRequire(import.meta.url).resolve('libsql');
    // Plain CommonJS: none of the process's flags are needed, and a loader (`--import tsx`) would only
    // add its start-up to the thread's.
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { libsql, intervalMs: INTERVAL_MS },
      execArgv: [],
    });
    // The thread must never keep a process alive (a CLI command that is done, a test run).
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const key = `unwatched:${reply.path}`;
      this.waiting.get(key)?.();
      this.waiting.delete(key);
    });
    // Should the thread fail or end, the writers' own automatic checkpoints carry on; a later watch starts a
    // new one, and nobody is left waiting for a reply.
    const gone = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.watchers.clear();
      for (const done of this.waiting.values()) done();
      this.waiting.clear();
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    this.worker = worker;
    return worker;
  }
}

export const walCheckpointer = new WalCheckpointer();
