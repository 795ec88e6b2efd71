import {
  FILTER_OPERANDS,
  FILTER_OPERATORS,
  type FilterCondition,
  type FilterOperator,
  type FilterValue,
  NON_NULL_OPERATORS,
} from '../connectors/record-filter.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';

/** Conditions per side and values per IN: more than a real filter needs, and far under parameter limits. */
export const MAX_FILTER_CONDITIONS = 50;
export const MAX_FILTER_VALUES = 1000;
/** Longest field name or text value: a filter is a setting, not a place for documents. */
const MAX_TEXT_LENGTH = 1000;

/**
 * Checks a structured filter that came from outside (the config file, the API) and returns it in its
 * plain form: each condition with only the keys its operator takes. A mistake is an `InvalidInputError`
 * whose field is the path of the offending key under `path`, e.g. `filters.local[1].operator`.
 */
export function checkFilterShape(conditions: unknown, path: string): FilterCondition[] {
  if (!Array.isArray(conditions)) throw new InvalidInputError(path, 'must be a list of conditions');
  if (conditions.length > MAX_FILTER_CONDITIONS) {
    throw new InvalidInputError(path, `at most ${MAX_FILTER_CONDITIONS} conditions`);
  }
  return conditions.map((condition, index) => checkCondition(condition, `${path}[${index}]`));
}

/** Every condition's field must be a column of the table: `filters.local[1].field: column "x" does not exist in table t`. */
export function checkFilterColumns(
  conditions: readonly FilterCondition[],
  columns: Iterable<string>,
  table: string,
  path: string,
): void {
  const known = new Set(columns);
  conditions.forEach((condition, index) => {
    if (!known.has(condition.field)) {
      throw new InvalidInputError(
        `${path}[${index}].field`,
        `column "${condition.field}" does not exist in table ${table}`,
      );
    }
  });
}

function checkCondition(condition: unknown, at: string): FilterCondition {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    throw new InvalidInputError(at, 'must be a condition { field, operator, value | values }');
  }
  const { field, operator, value, values, ...rest } = condition as Record<string, unknown>;
  const [extra] = Object.keys(rest);
  if (extra !== undefined) throw new InvalidInputError(`${at}.${extra}`, 'is not a part of a condition');
  if (typeof field !== 'string' || field.trim() === '') throw new InvalidInputError(`${at}.field`, 'names no column');
  if (field.length > MAX_TEXT_LENGTH) throw new InvalidInputError(`${at}.field`, 'is too long');
  if (!FILTER_OPERATORS.includes(operator as FilterOperator)) {
    throw new InvalidInputError(`${at}.operator`, `must be one of ${FILTER_OPERATORS.join(', ')}`);
  }
  const op = operator as FilterOperator;
  const operand = FILTER_OPERANDS[op];
  // For `value` operators an explicit null is a value (EQ null means IS_NULL); elsewhere null and a missing
  // key both mean "not given", so a condition read from the API can be sent back as it is.
  if (operand !== 'value' && value !== undefined && value !== null) {
    throw new InvalidInputError(
      `${at}.value`,
      `${op} takes ${operand === 'values' ? 'values, not value' : 'no value'}`,
    );
  }
  if (operand !== 'values' && values !== undefined && values !== null) {
    throw new InvalidInputError(
      `${at}.values`,
      `${op} takes ${operand === 'value' ? 'one value, not values' : 'no values'}`,
    );
  }
  if (operand === 'none') return { field, operator: op };
  if (operand === 'values') return { field, operator: op, values: checkValues(values, `${at}.values`) };
  if (value === undefined) throw new InvalidInputError(`${at}.value`, `${op} needs a value`);
  const checked = checkValue(value, `${at}.value`);
  if (checked === null && NON_NULL_OPERATORS.has(op)) {
    throw new InvalidInputError(`${at}.value`, `${op} compares with a value, not null (use IS_NULL or NOT_NULL)`);
  }
  if (op === 'LIKE' && typeof checked !== 'string') {
    throw new InvalidInputError(`${at}.value`, 'LIKE takes a text pattern');
  }
  return { field, operator: op, value: checked };
}

function checkValues(values: unknown, at: string): FilterValue[] {
  if (!Array.isArray(values) || values.length === 0) throw new InvalidInputError(at, 'IN needs a list of values');
  if (values.length > MAX_FILTER_VALUES) throw new InvalidInputError(at, `at most ${MAX_FILTER_VALUES} values`);
  return values.map((value, index) => checkValue(value, `${at}[${index}]`));
}

function checkValue(value: unknown, at: string): FilterValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(at, 'must be a finite number');
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT_LENGTH) throw new InvalidInputError(at, `is longer than ${MAX_TEXT_LENGTH} characters`);
    return value;
  }
  throw new InvalidInputError(at, 'must be a string, a number, a boolean or null');
}
