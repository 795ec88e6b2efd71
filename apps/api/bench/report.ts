/**
 * The one machine-readable line each scenario prints on stdout (`BENCH name key=value …`), the same form
 * as sync-core's benchmarks so one script can read both. Progress goes to stderr.
 */
export function benchLine(name: string, values: Record<string, number | string>): string {
  const pairs = Object.entries(values).map(([key, value]) => `${key}=${format(value)}`);
  return `BENCH ${name} ${pairs.join(' ')}`;
}

function format(value: number | string): string {
  if (typeof value === 'string' || Number.isInteger(value)) return String(value);
  return value.toFixed(2);
}

export function note(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** The q-quantile (0–1) of some samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
