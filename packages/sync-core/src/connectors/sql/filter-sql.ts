import type { FilterCondition, FilterValue } from '../record-filter.js';
import { placeholders, quoteIdent, type SqlDialect } from './sql-client.js';
import type { TableLayout } from './table-layout.js';

/** WHERE conditions (to AND with the rest) and the values their `?` take, in order. */
export interface SqlFilter {
  conditions: string[];
  params: unknown[];
}

const COMPARISONS = { EQ: '=', NE: '<>', LT: '<', LE: '<=', GT: '>', GE: '>=' } as const;

/**
 * The structured filter as SQL (record-filter.ts states the semantics). Columns are quoted identifiers of
 * the table and every value is a bound parameter: nothing a caller wrote becomes SQL text.
 */
export function compileFilter(
  conditions: readonly FilterCondition[],
  layout: TableLayout,
  dialect: SqlDialect,
): SqlFilter {
  const compiled: SqlFilter = { conditions: [], params: [] };
  for (const condition of conditions) {
    // The engine checks the fields before a job (open-side.ts); this guards any other caller.
    if (!layout.byName.has(condition.field)) {
      throw new Error(`the filter names column "${condition.field}", which table ${layout.table} does not have`);
    }
    const column = quoteIdent(condition.field);
    const [sql, params] = conditionSql(condition, column, dialect);
    compiled.conditions.push(sql);
    compiled.params.push(...params);
  }
  return compiled;
}

function conditionSql(condition: FilterCondition, column: string, dialect: SqlDialect): [string, unknown[]] {
  const { operator } = condition;
  switch (operator) {
    case 'IS_NULL':
      return [`${column} is null`, []];
    case 'NOT_NULL':
      return [`${column} is not null`, []];
    case 'IN':
      return inSql(column, condition.values ?? []);
    case 'LIKE':
      // Case-insensitive on both databases (as OData compares text); `\` escapes a literal % or _.
      // PostgreSQL has no LIKE on numbers or dates, so the column is compared as text there.
      return dialect === 'sqlite'
        ? [`${column} like ? escape '\\'`, [condition.value]]
        : [`cast(${column} as text) ilike ? escape '\\'`, [condition.value]];
    default: {
      const symbol = COMPARISONS[operator];
      if (!symbol) throw new Error(`unknown filter operator ${operator}`);
      const value = condition.value ?? null;
      if (value === null && operator === 'EQ') return [`${column} is null`, []];
      if (value === null && operator === 'NE') return [`${column} is not null`, []];
      // SQL's `<>` is unknown for a null field; the contract says such a record differs from the value.
      if (operator === 'NE') return [`(${column} <> ? or ${column} is null)`, [value]];
      return [`${column} ${symbol} ?`, [value]];
    }
  }
}

/** `col in (…)`; a null in the list matches null fields, which SQL's IN never does by itself. */
function inSql(column: string, values: readonly FilterValue[]): [string, unknown[]] {
  const present = values.filter((value) => value !== null);
  const withNull = present.length < values.length;
  if (present.length === 0) return [withNull ? `${column} is null` : '1 = 0', []];
  const list = `${column} in (${placeholders(present.length)})`;
  return [withNull ? `(${list} or ${column} is null)` : list, present];
}
