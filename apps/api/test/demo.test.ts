import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SyncJobSnapshot, summarizeSyncErrors, TableMappingSchema } from '@tandem/sync-core';
import { describe, expect, it } from 'vitest';
import { DemoActivitySimulator } from '../src/demo/activity-simulator.js';
import { demoConfig, ensureDemoApps } from '../src/demo/demo-apps.js';
import { startRuntime, type TandemRuntime } from '../src/runtime/tandem-runtime.js';

async function runJob(runtime: TandemRuntime, name: string): Promise<SyncJobSnapshot> {
  const mapping = await runtime.store.em().findOneOrFail(TableMappingSchema, { name });
  const done = new Promise<SyncJobSnapshot>((resolve) =>
    runtime.events.subscribe((event) => {
      if (event.type === 'syncJobChanged' && event.job.mappingId === mapping.id && event.job.finishedAt)
        resolve(event.job);
    }),
  );
  await runtime.queue.enqueue(mapping.id, { trigger: 'MANUAL' });
  return done;
}

describe('the demo', () => {
  it('simulated activity on both apps produces conflicts, deletions and rejected writes to triage', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-demo-'));
    ensureDemoApps(dataDir);
    const runtime = await startRuntime(demoConfig(dataDir), { schedules: false });
    try {
      expect((await runJob(runtime, 'customers')).status).toBe('SUCCEEDED');
      await runJob(runtime, 'items');
      const simulator = new DemoActivitySimulator(dataDir, 1000, () => 0.42);
      for (let i = 0; i < 14; i++) simulator.step();
      simulator.stop();
      await runJob(runtime, 'customers');
      await runJob(runtime, 'items');
      const summary = await summarizeSyncErrors(runtime.store.sql);
      const kinds = new Map(summary.byKind.map((k) => [k.kind, k.count]));
      expect(kinds.get('UPDATE_CONFLICT')).toBeGreaterThanOrEqual(1);
      expect(kinds.get('INTEGRATION_RECORD_DELETED')).toBeGreaterThanOrEqual(1);
      expect(kinds.get('WRITE_FAILED')).toBeGreaterThanOrEqual(2);
    } finally {
      await runtime.close();
    }
  });
});
