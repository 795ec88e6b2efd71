/**
 * Dataverse's Web API errors: an HTTP status plus `{ "error": { "code": "0x…", "message": "…" } }`
 * (learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors).
 * The codes are Dataverse's own hexadecimal error codes, so a client can branch on them as it would in production.
 */
export const ErrorCodes = {
  /** Entity with the given id or key does not exist (ObjectDoesNotExist). */
  notFound: '0x80040217',
  /** A record with the same primary key already exists (DuplicateRecord). */
  duplicateRecord: '0x80040237',
  /** An alternate key's values are already used by another record (DuplicateRecordEntityKey). */
  duplicateKey: '0x80060892',
  /** If-Match did not match the record's current version (ConcurrencyVersionMismatch). */
  versionMismatch: '0x80060882',
  /** A string longer than the column's maximum length (validation). */
  stringTooLong: '0x80044331',
  /** A value the column's type cannot take, or an unknown property, in a request payload. */
  payloadError: '0x80048d19',
  /** A required column missing or set to null (InvalidArgument). */
  invalidArgument: '0x80040203',
  /** The URL or its query options cannot be understood (unknown segment, property or syntax). */
  badQuery: '0x80060888',
  /** The delta token is expired or not valid for this entity set. */
  invalidDeltaToken: '0x80044352',
  /** Change tracking is not enabled on the table. */
  changeTrackingDisabled: '0x80044353',
  /** Service protection: number of requests in the window. */
  tooManyRequests: '0x80072322',
  /** Service protection: combined execution time in the window. */
  executionTime: '0x80072321',
  /** Service protection: concurrent requests. */
  concurrentRequests: '0x80072326',
  /** Unexpected server error (fault injection). */
  unexpected: '0x80040216',
  /** Method not allowed on the resource. */
  methodNotAllowed: '0x80060889',
} as const;

export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataverseError';
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badQuery = (message: string) => new DataverseError(400, ErrorCodes.badQuery, message);
export const payloadError = (message: string) => new DataverseError(400, ErrorCodes.payloadError, message);
