/** A command line the CLI cannot act on; it prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
