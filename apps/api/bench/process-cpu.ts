import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds, from /proc/PID/stat;
 * null where there is no /proc or the process is gone. For a benchmark's "where the CPU went" notes.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so it is skipped up to its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Processes by name (`api`, `workers`, `postgres` …): several pids may share one name. */
export type ProcessGroups = Record<string, number[]>;

/** Each process's CPU so far, to pass to `cpuUsedSince` at the end of the window. */
export function cpuSnapshot(groups: ProcessGroups): Map<number, number> {
  return new Map(Object.values(groups).flatMap((pids) => pids.map((pid) => [pid, processCpuMs(pid) ?? 0] as const)));
}

/** Per name: CPU ms used since the snapshot (a process that appeared meanwhile counts from its start). */
export function cpuUsedSince(before: Map<number, number>, groups: ProcessGroups): Record<string, number> {
  return Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [
      name,
      pids.reduce((sum, pid) => sum + Math.max(0, (processCpuMs(pid) ?? 0) - (before.get(pid) ?? 0)), 0),
    ]),
  );
}
