/**
 * What every package's benchmarks share (sync-core's, the API's and the console's, through
 * `@tandem/sync-core/bench-kit`): the one machine-readable line each scenario prints on stdout,
 * `BENCH name key=value …` (times in ms, ratios and counts as plain numbers), progress on stderr, and the
 * runner behind each package's `pnpm bench [NAME …]`.
 */
export function benchLine(name: string, values: Record<string, number | string>): string {
  const pairs = Object.entries(values).map(([key, value]) => `${key}=${format(value)}`);
  return `BENCH ${name} ${pairs.join(' ')}`;
}

function format(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  // Two decimals for ratios, whole milliseconds are already integers after rounding by the caller.
  return value.toFixed(2);
}

/** A human progress line on stderr, so stdout stays one BENCH line per scenario. */
export function note(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** The q-quantile (0–1) of some samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Runs the scenarios named on the command line (all when none is), each printing its BENCH line; an
 * unknown name exits 2 with the known ones.
 */
export async function runScenarios(
  scenarios: Record<string, () => Promise<string>>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  // pnpm may pass a literal `--` through before the forwarded arguments.
  const requested = argv.filter((arg) => arg !== '--');
  const unknown = requested.filter((name) => !(name in scenarios));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`);
    process.exit(2);
  }
  for (const name of requested.length > 0 ? requested : Object.keys(scenarios)) {
    process.stderr.write(`${name}:\n`);
    const started = performance.now();
    process.stdout.write(`${await scenarios[name]!()}\n`);
    process.stderr.write(`  (scenario took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}
