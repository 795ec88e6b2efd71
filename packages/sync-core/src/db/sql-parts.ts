/** Small pieces of SQL building shared by the connectors and Tandem's own repositories. */

/** `?, ?, ?` for `n` bound values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Splits a list into chunks that stay under both databases' bound-parameter limits. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
