import { removeCouplingBulk, restoreBulk, retryAll } from './actions.bench.js';
import { dataverseThroughput } from './dataverse-throughput.bench.js';
import { incremental, incrementalPostgres } from './incremental.bench.js';
import { initialSync } from './initial-sync.bench.js';
import { runScenarios } from './kit.js';

/**
 * `pnpm bench` runs every scenario, `pnpm bench NAME …` the named ones. Each prints exactly one
 * `BENCH name key=value …` line on stdout (progress goes to stderr) for scripts to read.
 */
const SCENARIOS: Record<string, () => Promise<string>> = {
  'initial-sync': initialSync,
  incremental,
  'incremental-postgres': incrementalPostgres,
  'retry-all': retryAll,
  'remove-coupling-bulk': removeCouplingBulk,
  'restore-bulk': restoreBulk,
  'dataverse-throughput': dataverseThroughput,
};

await runScenarios(SCENARIOS);
