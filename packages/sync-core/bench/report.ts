/**
 * The one machine-readable line each scenario prints on stdout: `BENCH name key=value …`, times in ms,
 * ratios and counts as plain numbers. Everything else a scenario says goes to stderr via `note`.
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
