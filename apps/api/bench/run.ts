import { runScenarios } from '@tandem/sync-core/bench-kit';
import { alertLatency } from './alert-latency.bench.js';
import { apiDuringSync } from './api-during-sync.bench.js';
import { errorsPage } from './errors-page.bench.js';
import { scaleOut } from './scale-out.bench.js';
import { subscriptionFanout } from './subscription-fanout.bench.js';

/**
 * `pnpm --filter @tandem/api bench [NAME …]`: every API scenario, or the named ones. Each prints one
 * `BENCH name key=value …` line on stdout; progress goes to stderr.
 */
const SCENARIOS: Record<string, () => Promise<string>> = {
  'alert-latency': alertLatency,
  'api-during-sync': apiDuringSync,
  'errors-page': errorsPage,
  'scale-out': scaleOut,
  'subscription-fanout': subscriptionFanout,
};

await runScenarios(SCENARIOS);
