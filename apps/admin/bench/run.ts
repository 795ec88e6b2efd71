import { runScenarios } from '@tandem/sync-core/bench-kit';
import { adminBundle } from './bundle.bench.js';
import { adminErrorsPage } from './errors-page.bench.js';

/**
 * `pnpm --filter @tandem/admin bench [NAME …]` (or `pnpm bench NAME` from the root): every console
 * scenario, or the named ones. Each prints one `BENCH name key=value …` line on stdout; progress goes to
 * stderr.
 */
const SCENARIOS: Record<string, () => Promise<string>> = {
  'admin-bundle': adminBundle,
  'admin-errors-page': adminErrorsPage,
};

await runScenarios(SCENARIOS);
