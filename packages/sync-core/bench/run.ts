import { removeCouplingBulk, restoreBulk, retryAll } from './actions.bench.js';
import { incremental } from './incremental.bench.js';
import { initialSync } from './initial-sync.bench.js';

/**
 * `pnpm bench` runs every scenario, `pnpm bench NAME …` the named ones. Each prints exactly one
 * `BENCH name key=value …` line on stdout (progress goes to stderr) for scripts to read.
 */
const SCENARIOS: Record<string, () => Promise<string>> = {
  'initial-sync': initialSync,
  incremental,
  'retry-all': retryAll,
  'remove-coupling-bulk': removeCouplingBulk,
  'restore-bulk': restoreBulk,
};

// pnpm may pass a literal `--` through before the forwarded arguments.
const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(SCENARIOS)) {
  process.stderr.write(`${name}:\n`);
  const started = performance.now();
  process.stdout.write(`${await SCENARIOS[name]!()}\n`);
  process.stderr.write(`  (scenario took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
