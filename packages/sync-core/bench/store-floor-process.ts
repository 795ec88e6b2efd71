import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { epochNow, runStoreFloor, type StoreFloorTask } from './overlap-floor.js';

/**
 * The store's floor in a process of its own, for overlap-floor.ts: reads its task from the file named on
 * the command line, says `ready`, waits for `go` on stdin, runs, and prints `{"startedAt":…,"ms":…}`
 * (`startedAt` in epoch ms, comparable with the parent's clock). Loading the task and the modules happens
 * before `go`, so only the writes themselves run beside the apps' floor.
 * Usage: node --import tsx bench/store-floor-process.ts TASK.json
 */
const task = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as StoreFloorTask;
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const startedAt = epochNow();
  process.stdout.write(`${JSON.stringify({ startedAt, ms: runStoreFloor(task) })}\n`);
  break;
}
lines.close();
