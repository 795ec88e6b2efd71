import { badQuery } from '../errors.js';
import type { ResolvedEntitySet } from '../schema.js';
import type { EmulatorColumn } from '../types.js';
import { isGuid, type StoredValue } from '../values.js';

/**
 * `$filter` → a SQL condition with bound values only (never a literal spliced into SQL).
 * Supported: eq ne gt ge lt le, and, or, not, parentheses, contains/startswith/endswith, and literals of
 * every column type: 'text' ('' escapes a quote), numbers, true/false, null, dates and date-times
 * (2024-05-01T10:00:00Z, unquoted), GUIDs (unquoted).
 * Learn: learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows
 */
export interface SqlCondition {
  sql: string;
  params: StoredValue[];
}

type Token =
  | { kind: 'name'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'datetime'; value: number; text: string }
  | { kind: 'guid'; value: string }
  | { kind: 'punct'; text: '(' | ')' | ',' };

const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      i++;
      continue;
    }
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw badQuery(`Syntax error: unterminated string literal in $filter: ${text}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', value });
      continue;
    }
    const rest = text.slice(i);
    const guid = GUID.exec(rest);
    if (guid) {
      tokens.push({ kind: 'guid', value: guid[0].toLowerCase() });
      i += guid[0].length;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime && datetime[0].length > 4) {
      const iso = datetime[0].length === 10 ? `${datetime[0]}T00:00:00Z` : datetime[0];
      const value = Date.parse(iso);
      if (Number.isNaN(value)) throw badQuery(`The date-time literal ${datetime[0]} in $filter is not valid.`);
      tokens.push({ kind: 'datetime', value, text: datetime[0] });
      i += datetime[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number.parseFloat(number[0]), text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    throw badQuery(`Syntax error at position ${i} in $filter: ${text}`);
  }
  return tokens;
}

const OPERATORS: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

export function filterToSql(set: ResolvedEntitySet, text: string): SqlCondition {
  const tokens = tokenize(text);
  let pos = 0;
  const params: StoredValue[] = [];

  const peek = () => tokens[pos];
  const isWord = (word: string) => {
    const t = tokens[pos];
    return t?.kind === 'name' && t.text.toLowerCase() === word;
  };
  const expectPunct = (p: '(' | ')' | ',') => {
    const t = tokens[pos];
    if (t?.kind !== 'punct' || t.text !== p) throw badQuery(`Syntax error: '${p}' expected in $filter: ${text}`);
    pos++;
  };
  const column = (): EmulatorColumn => {
    const t = tokens[pos];
    if (t?.kind !== 'name') throw badQuery(`Syntax error: a property name expected in $filter: ${text}`);
    const found = set.columns.get(t.text);
    if (!found) {
      throw badQuery(
        `Could not find a property named '${t.text}' on type 'Microsoft.Dynamics.CRM.${set.logicalName}'.`,
      );
    }
    pos++;
    return found;
  };

  const literalFor = (col: EmulatorColumn): StoredValue => {
    const t = tokens[pos++];
    if (!t) throw badQuery(`Syntax error: a value expected after '${col.name}' in $filter: ${text}`);
    if (t.kind === 'name' && t.text === 'null') return null;
    const mismatch = () =>
      badQuery(`A binary operator with incompatible types was detected for property '${col.name}' in $filter.`);
    switch (col.type) {
      case 'string':
        if (t.kind !== 'string') throw mismatch();
        return t.value;
      case 'int':
      case 'decimal':
        if (t.kind !== 'number') throw mismatch();
        return t.value;
      case 'boolean':
        if (t.kind !== 'name' || (t.text !== 'true' && t.text !== 'false')) throw mismatch();
        return t.text === 'true' ? 1 : 0;
      case 'datetime':
        if (t.kind !== 'datetime') throw mismatch();
        return t.value;
      case 'guid':
        if (t.kind === 'guid') return t.value;
        if (t.kind === 'string' && isGuid(t.value)) return t.value.toLowerCase();
        throw mismatch();
    }
  };

  const comparison = (): string => {
    const name = peek();
    if (name?.kind === 'name' && FUNCTIONS.has(name.text.toLowerCase()) && tokens[pos + 1]?.kind === 'punct') {
      const fn = name.text.toLowerCase();
      pos++;
      expectPunct('(');
      const col = column();
      if (col.type !== 'string') throw badQuery(`${fn} applies to text properties only; '${col.name}' is not text.`);
      expectPunct(',');
      const t = tokens[pos++];
      if (t?.kind !== 'string') throw badQuery(`${fn} needs a quoted text value in $filter: ${text}`);
      expectPunct(')');
      const escaped = t.value.replace(/[\\%_]/g, (c) => `\\${c}`);
      params.push(fn === 'startswith' ? `${escaped}%` : fn === 'endswith' ? `%${escaped}` : `%${escaped}%`);
      return `"${col.name}" LIKE ? ESCAPE '\\'`;
    }
    const col = column();
    const op = peek();
    const sqlOp = op?.kind === 'name' ? OPERATORS[op.text.toLowerCase()] : undefined;
    if (!sqlOp) throw badQuery(`Syntax error: a comparison operator expected after '${col.name}' in $filter: ${text}`);
    pos++;
    const value = literalFor(col);
    if (value === null) {
      if (sqlOp === '=') return `"${col.name}" IS NULL`;
      if (sqlOp === '<>') return `"${col.name}" IS NOT NULL`;
    }
    params.push(value);
    // Dataverse compares text without regard to case (its SQL Server collation is case-insensitive).
    return `"${col.name}" ${sqlOp} ?${col.type === 'string' ? ' COLLATE NOCASE' : ''}`;
  };

  const primary = (): string => {
    const t = peek();
    if (t?.kind === 'punct' && t.text === '(') {
      pos++;
      const inner = or();
      expectPunct(')');
      return `(${inner})`;
    }
    if (isWord('not')) {
      pos++;
      return `NOT (${primary()})`;
    }
    return comparison();
  };
  const and = (): string => {
    let sql = primary();
    while (isWord('and')) {
      pos++;
      sql = `${sql} AND ${primary()}`;
    }
    return sql;
  };
  const or = (): string => {
    let sql = and();
    while (isWord('or')) {
      pos++;
      sql = `${sql} OR ${and()}`;
    }
    return sql;
  };

  const sql = or();
  if (pos < tokens.length) throw badQuery(`Syntax error: unexpected text at the end of $filter: ${text}`);
  return { sql: `(${sql})`, params };
}
