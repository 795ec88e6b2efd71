/** Small pieces of SQL building shared by the connectors and Tandem's own repositories. */

/**
 * Texts built once and kept: a job writes the same shapes batch after batch (1,000 rows of 11 values,
 * say), and building a 30,000-character `VALUES` list for each one cost more than some of the
 * statements it was for (docs/BENCHMARKS.md, issue 16). Bounded: a shape seen once more is simply rebuilt.
 */
const MAX_KEPT_TEXTS = 256;
const keptTexts = new Map<string, string>();

function kept(key: string, build: () => string): string {
  let text = keptTexts.get(key);
  if (text === undefined) {
    text = build();
    if (keptTexts.size >= MAX_KEPT_TEXTS) keptTexts.delete(keptTexts.keys().next().value as string);
    keptTexts.set(key, text);
  }
  return text;
}

/** `?, ?, ?` for `n` bound values. */
export function placeholders(n: number): string {
  return kept(`p${n}`, () => Array.from({ length: n }, () => '?').join(', '));
}

/** `(tuple), (tuple), …` for `rows` rows: the list of a multi-row `VALUES`. */
export function tupleList(rows: number, tuple: string): string {
  return kept(`t${rows}:${tuple}`, () => Array.from({ length: rows }, () => `(${tuple})`).join(', '));
}

/** The values of rows, row after row, as one statement binds them (a plain loop: `flat()` is ~5× slower). */
export function flattenRows(rows: ReadonlyArray<readonly unknown[]>): unknown[] {
  let size = 0;
  for (const row of rows) size += row.length;
  const values = new Array<unknown>(size);
  let at = 0;
  for (const row of rows) for (let i = 0; i < row.length; i++) values[at++] = row[i];
  return values;
}

/** Splits a list into chunks that stay under both databases' bound-parameter limits. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
