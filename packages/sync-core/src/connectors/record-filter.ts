/**
 * The structured filter: which records of a table take part in a mapping, as data rather than as SQL.
 *
 * A filter is a list of conditions, all of which must hold (AND). Each connector compiles the list to its
 * own query language with the values bound, never pasted (the SQL connector to a WHERE with parameters,
 * an OData connector to `$filter`), so a filter that an API caller sets cannot run code in the app.
 * The semantics below are the contract every connector keeps:
 * - `EQ null` is `IS_NULL` and `NE null` is `NOT_NULL`; `NE x` also matches records whose field is empty
 *   (null), as OData's `ne` does; `IN` matches null when the list holds null.
 * - `LT LE GT GE` compare with a value that is not null; `LIKE` takes a text pattern with `%` (any run of
 *   characters) and `_` (one character), matched without regard to case, as OData compares text.
 */

export const FILTER_OPERATORS = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'IN', 'IS_NULL', 'NOT_NULL', 'LIKE'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A value a condition compares with: what JSON has besides objects and lists. */
export type FilterValue = string | number | boolean | null;

export interface FilterCondition {
  field: string;
  operator: FilterOperator;
  /** The one value of `EQ NE LT LE GT GE LIKE`. */
  value?: FilterValue;
  /** The values of `IN`. */
  values?: readonly FilterValue[];
}

/** A mapping's structured filters, per side; a missing side has none. */
export interface MappingFilters {
  local?: readonly FilterCondition[];
  integration?: readonly FilterCondition[];
}

/** What an operator takes: one `value`, a list of `values`, or nothing. */
export type FilterOperand = 'value' | 'values' | 'none';

export const FILTER_OPERANDS: Readonly<Record<FilterOperator, FilterOperand>> = {
  EQ: 'value',
  NE: 'value',
  LT: 'value',
  LE: 'value',
  GT: 'value',
  GE: 'value',
  LIKE: 'value',
  IN: 'values',
  IS_NULL: 'none',
  NOT_NULL: 'none',
};

/** Operators that order values or match text: null would match nothing, so it is refused. */
export const NON_NULL_OPERATORS: ReadonlySet<FilterOperator> = new Set(['LT', 'LE', 'GT', 'GE', 'LIKE']);
