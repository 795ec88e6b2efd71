/** Base of every expected Tandem error: a stable `code` that callers (and the API) can branch on. */
export abstract class TandemError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
