/** The trace categories that carry the renderer's tasks with their thread (CPU) time. */
export const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'v8.execute'];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * CPU time (ms) the renderers' main threads spent in a Chromium trace: the outermost task events, their
 * thread time (`tdur`) summed. Unlike wall time it barely grows when other processes compete for the
 * cores, so it tells how much work the page does even on a busy machine.
 */
export function rendererMainCpuMs(trace: Buffer): number {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && mains.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const busyUntil = new Map<string, number>();
  let cpuUs = 0;
  for (const task of tasks) {
    const thread = `${task.pid}:${task.tid}`;
    if (task.ts < (busyUntil.get(thread) ?? Number.NEGATIVE_INFINITY)) continue; // nested in the task before
    cpuUs += task.tdur ?? 0;
    busyUntil.set(thread, task.ts + task.dur!);
  }
  return cpuUs / 1000;
}
