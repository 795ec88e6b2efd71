import { badQuery } from '../errors.js';
import type { ResolvedEntitySet } from '../schema.js';
import { isGuid, parseDateTime, type StoredValue } from '../values.js';

/**
 * The resource part of a Web API URL after `/api/data/v9.2/`: an entity set (`accounts`), one record by
 * primary key (`accounts(00000000-…)`) or by alternate key (`accounts(erp_id='42')`, several
 * `name=value` pairs for a composite key).
 * Learn: learn.microsoft.com/power-apps/developer/data-platform/use-alternate-key-reference-record
 */
export type RecordKey =
  | { kind: 'primary'; id: string }
  | { kind: 'alternate'; columns: string[]; values: StoredValue[]; text: string };

export interface ResourcePath {
  entitySet: string;
  key?: RecordKey;
  /** The raw text between the parentheses, for messages. */
  keyText?: string;
}

export function parseResourcePath(segment: string): ResourcePath {
  const open = segment.indexOf('(');
  if (open < 0) return { entitySet: segment };
  if (!segment.endsWith(')')) throw badQuery(`Bad Request - Error in query syntax: ${segment}`);
  return { entitySet: segment.slice(0, open), keyText: segment.slice(open + 1, -1) };
}

/** Resolves the key text against the entity set: a bare GUID, `key=GUID`, or an alternate key's pairs. */
export function resolveKey(set: ResolvedEntitySet, keyText: string): RecordKey {
  const text = keyText.trim();
  if (isGuid(text)) return { kind: 'primary', id: text.toLowerCase() };
  const pairs = splitPairs(text);
  if (pairs.length === 1 && pairs[0]![0] === set.key) {
    const value = pairs[0]![1];
    if (!isGuid(value)) throw badQuery(`The key value '${value}' for '${set.key}' is not a valid GUID.`);
    return { kind: 'primary', id: value.toLowerCase() };
  }
  const columns = pairs.map(([name]) => name);
  const match = set.alternateKeys.find(
    (key) => key.length === columns.length && key.every((column) => columns.includes(column)),
  );
  if (!match) {
    throw badQuery(
      `The key attributes (${columns.join(', ')}) do not form a primary or alternate key of entity '${set.logicalName}'.`,
    );
  }
  const values = match.map((column) => {
    const raw = pairs.find(([name]) => name === column)![1];
    return keyLiteral(set, column, raw);
  });
  return { kind: 'alternate', columns: match, values, text };
}

function keyLiteral(set: ResolvedEntitySet, column: string, raw: string): StoredValue {
  const col = set.columns.get(column)!;
  const quoted = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2;
  const unquoted = quoted ? raw.slice(1, -1).replace(/''/g, "'") : raw;
  const invalid = () => badQuery(`The key value ${raw} is not valid for '${column}' (${col.type}).`);
  switch (col.type) {
    case 'string':
      if (!quoted) throw invalid();
      return unquoted;
    case 'int':
    case 'decimal':
      if (quoted || !/^-?\d+(\.\d+)?$/.test(raw)) throw invalid();
      return Number(raw);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw invalid();
      return raw === 'true' ? 1 : 0;
    case 'datetime': {
      const ms = parseDateTime(unquoted);
      if (ms === undefined) throw invalid();
      return ms;
    }
    case 'guid':
      if (!isGuid(unquoted)) throw invalid();
      return unquoted.toLowerCase();
  }
}

/** Splits `a='x,y',b=2` into pairs, honouring quotes ('' is an escaped quote). */
function splitPairs(text: string): [string, string][] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'") quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) throw badQuery(`Bad Request - Error in query syntax: the key '${text}' is not valid.`);
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
}
