import type { FilterCondition, FilterValue } from '../record-filter.js';

/**
 * OData v4 query text as the Dataverse Web API reads it: literals typed by the column's EDM type, the
 * structured filter compiled to `$filter`, and query strings with `$select`, `$filter`, `$orderby`.
 *
 * Every value goes through `literal`, which quotes text (doubling `'`) and checks numbers, GUIDs and
 * dates, so a value an API caller set can never become part of the expression's syntax.
 */

/** The column types the connector distinguishes; Dataverse's other types travel as text. */
export type EdmKind = 'string' | 'int' | 'decimal' | 'boolean' | 'datetime' | 'guid';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thrown when a value cannot be written as a literal of its column's type: a bad filter or id, never sent. */
export class ODataValueError extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(`column "${column}": ${reason}`);
    this.name = 'ODataValueError';
  }
}

/** One value as an OData literal of the column's type. */
export function literal(column: string, kind: EdmKind, value: FilterValue | Date): string {
  if (value === null) return 'null';
  switch (kind) {
    case 'guid': {
      const text = String(value);
      if (!GUID.test(text)) throw new ODataValueError(column, `"${text}" is not a GUID`);
      return text.toLowerCase();
    }
    case 'int':
    case 'decimal': {
      const number = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || value === '' || !Number.isFinite(number)) {
        throw new ODataValueError(column, `${JSON.stringify(value)} is not a number`);
      }
      if (kind === 'int' && !Number.isInteger(number)) {
        throw new ODataValueError(column, `${number} is not a whole number`);
      }
      return String(number);
    }
    case 'boolean': {
      if (value === true || value === 'true' || value === 1) return 'true';
      if (value === false || value === 'false' || value === 0) return 'false';
      throw new ODataValueError(column, `${JSON.stringify(value)} is not true or false`);
    }
    case 'datetime': {
      const time =
        value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value as string);
      if (!Number.isFinite(time)) throw new ODataValueError(column, `${JSON.stringify(value)} is not a date`);
      return isoSeconds(time);
    }
    default:
      return `'${String(value).replaceAll("'", "''")}'`;
  }
}

/** A time as Dataverse writes one: UTC, whole seconds (`2026-11-26T12:00:05Z`). */
export function isoSeconds(epochMs: number): string {
  return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

const COMPARISONS = { EQ: 'eq', NE: 'ne', LT: 'lt', LE: 'le', GT: 'gt', GE: 'ge' } as const;

/** What the structured filter compiles to: an OData expression and what only the connector can check. */
export interface CompiledFilter {
  /** The conditions the server evaluates, ANDed; null when there are none. */
  expression: string | null;
  /**
   * LIKE conditions, which Dataverse's `$filter` has no exact operator for (`_` has no counterpart): the
   * connector checks them on the records it reads.
   */
  local: FilterCondition[];
}

/**
 * Compiles the structured filter (record-filter.ts) to `$filter`. The contract's null rules hold as OData
 * has them: `eq null` / `ne null` test emptiness and `ne x` matches empty fields too; `IN` is an `or` of
 * `eq` (null included where listed).
 */
export function compileFilter(
  conditions: readonly FilterCondition[],
  kindOf: (column: string) => EdmKind,
): CompiledFilter {
  const parts: string[] = [];
  const local: FilterCondition[] = [];
  for (const condition of conditions) {
    const { field, operator } = condition;
    const kind = kindOf(field);
    if (operator === 'LIKE') {
      local.push(condition);
    } else if (operator === 'IS_NULL') {
      parts.push(`${field} eq null`);
    } else if (operator === 'NOT_NULL') {
      parts.push(`${field} ne null`);
    } else if (operator === 'IN') {
      const values = condition.values ?? [];
      parts.push(
        values.length === 0 ? 'false' : `(${values.map((v) => `${field} eq ${literal(field, kind, v)}`).join(' or ')})`,
      );
    } else if (operator === 'NE' && condition.value !== null && condition.value !== undefined) {
      // The contract's `NE x` matches empty fields too. OData says `null ne x` is true, but a server that
      // translates `ne` to SQL's `<>` (as Dataverse's FetchXML layer may) drops nulls: ask for them outright.
      parts.push(`(${field} ne ${literal(field, kind, condition.value)} or ${field} eq null)`);
    } else {
      parts.push(`${field} ${COMPARISONS[operator]} ${literal(field, kind, condition.value ?? null)}`);
    }
  }
  return { expression: parts.length > 0 ? parts.join(' and ') : null, local };
}

/** True when the record's values meet every LIKE condition (case-insensitive, `%` and `_`, `\` escapes). */
export function matchesLocally(values: Record<string, unknown>, conditions: readonly FilterCondition[]): boolean {
  return conditions.every((condition) => {
    const value = values[condition.field];
    if (value === null || value === undefined) return false;
    return likePattern(String(condition.value ?? '')).test(String(value));
  });
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'i');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `(a) and (b)` of the non-empty expressions; null when none is left. */
export function allOf(...expressions: Array<string | null | undefined>): string | null {
  const present = expressions.filter((e): e is string => !!e);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  return present.map((e) => `(${e})`).join(' and ');
}

/** `column eq a or column eq b …` for a list of values of one column. */
export function anyOf(column: string, kind: EdmKind, values: readonly FilterValue[]): string {
  return values.map((v) => `${column} eq ${literal(column, kind, v)}`).join(' or ');
}

export interface QueryOptions {
  select?: readonly string[];
  filter?: string | null;
  orderby?: readonly string[];
  top?: number;
}

/**
 * The query string of a collection read, `?$select=…&$filter=…`. System query options keep their `$`
 * and `,` unescaped as Dataverse's own examples write them; the filter's text is percent-encoded.
 */
export function queryString(options: QueryOptions): string {
  const parts: string[] = [];
  if (options.select && options.select.length > 0) parts.push(`$select=${[...new Set(options.select)].join(',')}`);
  if (options.filter) parts.push(`$filter=${encodeURIComponent(options.filter)}`);
  if (options.orderby && options.orderby.length > 0)
    parts.push(`$orderby=${options.orderby.map(encodeURIComponent).join(',')}`);
  if (options.top !== undefined) parts.push(`$top=${options.top}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** The key segment of a record's URL by its primary key: `(00000000-…)` for a GUID, a quoted literal else. */
export function idSegment(column: string, kind: EdmKind, id: string): string {
  return `(${encodeURIComponent(literal(column, kind, id))})`;
}

/** The key segment of a record's URL by an alternate key: `(erp_id='42')`, `(code='A',year=2026)`. */
export function alternateKeySegment(key: ReadonlyArray<{ column: string; kind: EdmKind; value: FilterValue }>): string {
  return `(${key.map(({ column, kind, value }) => `${column}=${encodeURIComponent(literal(column, kind, value))}`).join(',')})`;
}
