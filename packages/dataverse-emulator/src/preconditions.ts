import { DataverseError, ErrorCodes } from './errors.js';

/**
 * ETags and conditional requests (learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api):
 * every record carries a weak ETag `W/"<versionnumber>"` in `@odata.etag`; `If-Match` with another value
 * fails with 412, `If-Match: *` turns an upsert into "update only", `If-None-Match: *` into "create only".
 */
export const etagOf = (version: number) => `W/"${version}"`;

/** The ETags listed in an If-Match / If-None-Match header, or '*' for any. */
export function parseEtagList(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return header.split(',').map((s) => s.trim());
}

export function matches(list: '*' | string[], version: number): boolean {
  if (list === '*') return true;
  const etag = etagOf(version);
  // A strong form of the same value matches too: the comparison is weak, as RFC 9110 §13.1.1 has it for If-None-Match.
  return list.some((candidate) => candidate === etag || candidate === `"${version}"`);
}

export function versionMismatch(): DataverseError {
  return new DataverseError(
    412,
    ErrorCodes.versionMismatch,
    "The version of the existing record doesn't match the RowVersion property provided.",
  );
}
