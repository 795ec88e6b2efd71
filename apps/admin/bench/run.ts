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
