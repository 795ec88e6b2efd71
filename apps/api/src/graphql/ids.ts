import { InvalidIdError } from '../errors/invalid-id.error.js';

/** A stored row id as the API accepts it: canonical decimal, positive, no sign, no leading zero, no exponent. */
const DATABASE_ID = /^[1-9]\d{0,14}$/;
/** A GraphQL type name, as the first half of a global id. */
const TYPENAME = /^[A-Z][A-Za-z]{0,63}$/;
/** Standard base64 (what Pothos's encodeGlobalID writes), with padding. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A global id taken apart: the type it names and the database id, already checked. */
export interface DecodedGlobalId {
  typename: string;
  id: string;
}

/**
 * The one way a global id (`base64("Coupling:42")`) is read, for `node(id:)` and every ID argument.
 * Strict on purpose: only the exact encoding the API hands out is accepted, so `Coupling:1e3`, `Coupling:0x10`,
 * `Coupling:042`, a second colon or sloppy base64 are an InvalidIdError (INVALID_INPUT), never a silent
 * load of some other row.
 */
export function decodeStrictGlobalId(raw: string): DecodedGlobalId {
  if (raw.length > 200 || !BASE64.test(raw)) throw new InvalidIdError('Node', raw);
  const text = Buffer.from(raw, 'base64').toString('utf8');
  // Re-encoding must give the input back: rejects non-canonical base64 and invalid UTF-8.
  if (Buffer.from(text, 'utf8').toString('base64') !== raw) throw new InvalidIdError('Node', raw);
  const parts = text.split(':');
  if (parts.length !== 2) throw new InvalidIdError('Node', raw);
  const [typename, id] = parts as [string, string];
  if (!TYPENAME.test(typename) || !DATABASE_ID.test(id)) throw new InvalidIdError('Node', raw);
  return { typename, id };
}

/** The database id of a decoded global id; used as every node type's `parse`. */
export function parseDatabaseId(id: string): number {
  if (!DATABASE_ID.test(id)) throw new InvalidIdError('Node', id);
  return Number(id);
}

/**
 * The database id behind an `ID` argument. Accepts the type's global id (what every `id` field returns)
 * and, for scripts, the plain number. Anything else — another type's id, garbage — is an InvalidIdError,
 * never a silent miss.
 */
export function parseId(typename: string, raw: string): number {
  if (DATABASE_ID.test(raw)) return Number(raw);
  let decoded: DecodedGlobalId | null = null;
  try {
    decoded = decodeStrictGlobalId(raw);
  } catch {
    decoded = null;
  }
  if (decoded && decoded.typename === typename) return Number(decoded.id);
  throw new InvalidIdError(typename, raw);
}

export function parseOptionalId(typename: string, raw: string | null | undefined): number | null {
  return raw == null ? null : parseId(typename, raw);
}
