import type { TandemConfig } from '../config/config.schema.js';
import { demoConfig, ensureDemoApps } from './demo-apps.js';
import { type DemoDataverse, startDemoDataverse } from './demo-dataverse.js';

/** The demo as `tandem` runs it with no config: its apps, its Dataverse emulator and the config over them. */
export interface RunningDemo {
  config: TandemConfig;
  dataverse: DemoDataverse;
  /** Closes the Dataverse emulator (after the runtime that uses it); a second call does nothing. */
  close(): Promise<void>;
}

/**
 * Makes sure the demo's SQLite apps exist, starts its Dataverse emulator on a free port (seeded on the
 * first start) and returns the demo's config: the three SQLite mappings and `companies` over the emulator.
 */
export async function startDemo(dataDir: string): Promise<RunningDemo> {
  ensureDemoApps(dataDir);
  const dataverse = await startDemoDataverse(dataDir);
  try {
    return { config: demoConfig(dataDir, dataverse.connector), dataverse, close: () => dataverse.close() };
  } catch (error) {
    await dataverse.close();
    throw error;
  }
}
