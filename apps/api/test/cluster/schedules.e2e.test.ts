import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

/**
 * Schedules on two workers (issue 12): five mappings scheduled every second, both workers running the
 * schedules and taking jobs, until a hundred scheduled jobs have run. The job rows must show no two runs
 * of one mapping overlapping in time — whichever worker ran them.
 */
let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.create({ customers: 200, mappings: 5, scheduleSeconds: 1 });
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

interface JobSpan {
  mapping_id: number;
  worker_id: string;
  started_at: number;
  finished_at: number;
}

describe('scheduled jobs on two workers', () => {
  it('runs 100 scheduled ticks for 5 mappings with no two runs of one mapping at once', async () => {
    const workers = await Promise.all([cluster.start('worker'), cluster.start('worker')]);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const [{ n }] = await cluster.store<{ n: string }>(
        "select count(*) as n from sync_job where trigger = 'SCHEDULE' and finished_at is not null",
      );
      if (Number(n) >= 100) break;
      if (Date.now() > deadline) throw new Error(`only ${n} scheduled jobs finished`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await Promise.all(workers.map((worker) => worker.stop()));

    const spans = (
      await cluster.store<JobSpan>(
        `select mapping_id, worker_id, started_at, finished_at from sync_job
         where started_at is not null order by mapping_id, started_at`,
      )
    ).map((span) => ({ ...span, started_at: Number(span.started_at), finished_at: Number(span.finished_at) }));
    const overlaps: string[] = [];
    for (let i = 1; i < spans.length; i++) {
      const [before, after] = [spans[i - 1]!, spans[i]!];
      if (before.mapping_id === after.mapping_id && after.started_at < before.finished_at) {
        overlaps.push(`mapping ${after.mapping_id}: ${JSON.stringify(before)} / ${JSON.stringify(after)}`);
      }
    }
    expect(overlaps).toEqual([]);
    // Both workers took part, and every mapping ran on its schedule.
    expect(new Set(spans.map((span) => span.worker_id.split('-').at(-2))).size).toBe(2);
    expect(new Set(spans.map((span) => span.mapping_id)).size).toBe(5);
    const [{ failed }] = await cluster.store<{ failed: string }>(
      "select count(*) as failed from sync_job where status = 'FAILED'",
    );
    expect(Number(failed)).toBe(0);
  }, 240_000);
});
