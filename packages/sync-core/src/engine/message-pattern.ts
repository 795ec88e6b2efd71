/**
 * An error message with its record-specific values taken out, so that errors with the same cause fall
 * into one group: `value "ACME AS" too long for column name (max 30)` and the same message for another
 * record both become `value "…" too long for column name (max #)`.
 */
export function messagePattern(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '…')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '…')
    .replace(/\b\d+(\.\d+)?\b/g, '#')
    .slice(0, 500);
}
