import { readFileSync } from 'node:fs';
import { type BenchUrls, runOneJob } from './engine.js';

/**
 * Runs one job in a process of its own, so that its peak RSS is the job's (plus Node and the engine's
 * modules), not the seeding's. Prints one JSON line on stdout for the parent.
 * Usage: node --import tsx bench/incremental-job.ts '{"urls":{"store":…,"erp":…,"crm":…},"mappingId":1}'
 */
const { urls, mappingId } = JSON.parse(process.argv[2] ?? '{}') as { urls: BenchUrls; mappingId: number };

// The peak comes from the kernel's VmHWM, not from resourceUsage().maxRSS: Linux keeps ru_maxrss across
// fork and exec, so a child of the (big) seeding process would report the parent's peak. The 20 ms
// samples of memoryUsage().rss are a cross-check and the fallback where /proc is missing.
let sampledPeak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
}, 20);
const outcome = await runOneJob(urls, mappingId);
clearInterval(sampler);
process.stdout.write(
  `${JSON.stringify({
    ms: outcome.ms,
    status: outcome.status,
    message: outcome.message?.slice(0, 500) ?? null,
    counters: outcome.counters,
    maxRssMb: peakRssMb() ?? sampledPeak / 1024 / 1024,
    sampledRssMb: sampledPeak / 1024 / 1024,
  })}\n`,
);

/** This process's own resident high-water mark, from /proc (Linux); null elsewhere. */
function peakRssMb(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
