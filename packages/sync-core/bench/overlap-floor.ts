import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type StoreChangePlan, storeByHand, storeByHandInitial } from './raw-store.js';

/**
 * A third floor beside the apps' and the store's (raw-incremental.ts, raw-store.ts): both at the same
 * time, the store's share in another process while the apps' runs in this one, with nothing between
 * them to wait for. It is what overlapping the apps' I/O with the store's can give at best on the
 * machine that runs the benchmark — two cores, no hand-over between threads, no decisions to make.
 * `overlap_bound = overlap floor / apps' floor` is the best ratio an engine that runs its store and its
 * apps side by side can reach before any cost of its own (the apps' floor slows down when the store
 * runs beside it: the two share the machine's cores, memory and disk).
 */

/** The store's floor to run, as plain data another process can read. */
export type StoreFloorTask =
  | { kind: 'incremental'; path: string; plan: StoreChangePlan }
  | { kind: 'initial'; path: string; mappingId: number; pairs: Array<[string, string]> };

/** Runs one store floor task here; its time in ms. */
export function runStoreFloor(task: StoreFloorTask): number {
  return task.kind === 'incremental'
    ? storeByHand(task.path, task.plan).ms
    : storeByHandInitial(task.path, task.mappingId, task.pairs);
}

/** Epoch ms with `performance`'s precision: comparable between processes, unlike `performance.now()`. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface OverlapFloor {
  /** From the start of both until both are done. */
  ms: number;
  /** Each floor's own time while the other ran beside it. */
  appsMs: number;
  storeMs: number;
}

/**
 * Starts the store's floor in a child process and, once it is loaded, runs `appsFloor` (synchronous,
 * returning its time in ms) here at the same moment.
 */
export async function besideStoreFloor(task: StoreFloorTask, appsFloor: () => number): Promise<OverlapFloor> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-overlap-'));
  const here = dirname(fileURLToPath(import.meta.url));
  const taskFile = join(dir, 'task.json');
  writeFileSync(taskFile, JSON.stringify(task));
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'store-floor-process.ts'), taskFile], {
    cwd: join(here, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let answered = false;
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<string> => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the store floor's process ended early (exit ${await exited})`);
      return value as string;
    };
    if ((await nextLine()) !== 'ready') throw new Error("the store floor's process did not start");
    const go = epochNow();
    child.stdin.write('go\n');
    // Synchronous: the child's writes run beside it; its answer waits in the pipe if it is done first.
    const appsMs = appsFloor();
    const store = JSON.parse(await nextLine()) as { startedAt: number; ms: number };
    answered = true;
    // Each floor's end as it measures it, like the floors run alone: without closing its files (the last
    // connection to close a WAL database checkpoints it, which no floor counts).
    const ms = Math.max(appsMs, store.startedAt + store.ms - go);
    return { ms, appsMs, storeMs: store.ms };
  } finally {
    child.stdin.end();
    // A child still waiting for `go` (this side failed first) would wait for ever.
    if (!answered && child.exitCode === null) child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
