import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidIdError } from '../errors/invalid-id.error.js';

const DATABASE_ID = /^[1-9]\d{0,14}$/;

/**
 * The database id behind an `ID` argument. Accepts the type's global id (what every `id` field returns)
 * and, for scripts, the plain number. Anything else — another type's id, garbage — is an InvalidIdError,
 * never a silent miss.
 */
export function parseId(typename: string, raw: string): number {
  if (DATABASE_ID.test(raw)) return Number(raw);
  let decoded: { typename: string; id: string } | null = null;
  try {
    decoded = decodeGlobalID(raw);
  } catch {
    decoded = null;
  }
  if (decoded && decoded.typename === typename && DATABASE_ID.test(decoded.id)) return Number(decoded.id);
  throw new InvalidIdError(typename, raw);
}

export function parseOptionalId(typename: string, raw: string | null | undefined): number | null {
  return raw == null ? null : parseId(typename, raw);
}
