import { t } from '../i18n';
import type { TableMapping } from './table-mapping-labels';

/**
 * A mapping side's structured filter in the console: conditions as the API gives them, rows as the admin
 * edits them (the value typed as text), and both in words for the settings and the confirmation.
 */
export type FilterCondition = TableMapping['localFilters'][number];
export type FilterOperator = FilterCondition['operator'];

/** One condition as the form holds it: `value` is what the admin typed (a list, comma-separated, for IN). */
export interface FilterRow {
  field: string;
  operator: FilterOperator;
  value: string;
}

/** A condition as the API takes it: only the operand its operator has. */
export interface FilterConditionInput {
  field: string;
  operator: FilterOperator;
  value?: unknown;
  values?: unknown[] | null;
}

// `satisfies Record<…>` makes an operator the schema gains fail the typecheck until it has a label.
const OPERATOR_SIGNS: Partial<Record<FilterOperator, string>> = {
  EQ: '=',
  NE: '≠',
  LT: '<',
  LE: '≤',
  GT: '>',
  GE: '≥',
};
const OPERATORS = [
  'EQ',
  'NE',
  'LT',
  'LE',
  'GT',
  'GE',
  'IN',
  'IS_NULL',
  'NOT_NULL',
  'LIKE',
] as const satisfies readonly FilterOperator[];

/** An operator as a sign, or in words in the console's language (`mappings.form.filter.operators`). */
export function operatorLabel(operator: FilterOperator): string {
  return OPERATOR_SIGNS[operator] ?? t(`mappings.form.filter.operators.${operator as 'IN'}`);
}

/** The operator select's options, in the console's language at the time of asking. */
export const filterOperatorOptions = () => OPERATORS.map((value) => ({ label: operatorLabel(value), value }));

/** What an operator compares with: one value, a list, or nothing (the API's rule, record-filter.ts). */
export function operandOf(operator: FilterOperator): 'value' | 'values' | 'none' {
  if (operator === 'IN') return 'values';
  return operator === 'IS_NULL' || operator === 'NOT_NULL' ? 'none' : 'value';
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

type Parsed = { ok: true; value: string | number | boolean | null } | { ok: false; reason: string };

/**
 * Typed text as a value: `true`, `false`, `null` and numbers are those; text in double quotes is that
 * text (so `"42"` stays text); anything else is the text as typed. LIKE always takes text.
 */
function parseValue(text: string, asText: boolean): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: t('mappings.form.filter.enterValue') };
  if (trimmed.startsWith('"')) {
    try {
      const value = JSON.parse(trimmed) as unknown;
      if (typeof value === 'string') return { ok: true, value };
    } catch {
      // falls through to the message below
    }
    return { ok: false, reason: t('mappings.form.filter.closeQuotes', { text: trimmed }) };
  }
  if (asText) return { ok: true, value: trimmed };
  if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
  if (trimmed === 'null') return { ok: true, value: null };
  if (NUMBER.test(trimmed)) return { ok: true, value: Number(trimmed) };
  return { ok: true, value: trimmed };
}

/** Splits `Oslo, "Bergen, west", 3` at the commas outside quotes. */
function splitList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** A value as the admin would type it back: quoted only where plain text would read as something else. */
function valueText(value: unknown, asText = false): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? null);
  const plain = parseValue(value, asText);
  const readsBack = plain.ok && plain.value === value && !value.includes(',');
  return readsBack ? value : JSON.stringify(value);
}

export function rowsFromConditions(conditions: readonly FilterCondition[]): FilterRow[] {
  return conditions.map((condition) => {
    const operand = operandOf(condition.operator);
    const value =
      operand === 'values'
        ? (condition.values ?? []).map((v) => valueText(v)).join(', ')
        : operand === 'value'
          ? valueText(condition.value, condition.operator === 'LIKE')
          : '';
    return { field: condition.field, operator: condition.operator, value };
  });
}

export function newFilterRow(field = ''): FilterRow {
  return { field, operator: 'EQ', value: '' };
}

/**
 * The rows as the API's conditions, and what is wrong with them ("Condition 2: enter a value"). A value
 * that does not parse is kept as its text, so that the form still counts as changed until it is fixed.
 */
export function conditionsFromRows(rows: readonly FilterRow[]): {
  conditions: FilterConditionInput[];
  problems: string[];
} {
  const problems: string[] = [];
  const conditions = rows.map((row, index): FilterConditionInput => {
    const problem = (reason: string) => problems.push(t('mappings.form.filter.condition', { n: index + 1, reason }));
    const field = row.field.trim();
    if (field === '') problem(t('mappings.form.filter.chooseField'));
    const operand = operandOf(row.operator);
    if (operand === 'none') return { field, operator: row.operator };
    const parse = (text: string) => {
      const parsed = parseValue(text, row.operator === 'LIKE');
      if (parsed.ok) return parsed.value;
      problem(parsed.reason);
      return text;
    };
    if (operand === 'values') {
      return {
        field,
        operator: row.operator,
        values: row.value.trim() === '' ? [parse('')] : splitList(row.value).map(parse),
      };
    }
    const value = parse(row.value);
    if (value === null && row.operator !== 'EQ' && row.operator !== 'NE') {
      problem(t('mappings.form.filter.notNull', { operator: operatorLabel(row.operator) }));
    }
    return { field, operator: row.operator, value };
  });
  return { conditions, problems };
}

/** The same filter, whatever the form of its empty operands (null from the API, absent from the form). */
export function sameConditions(
  a: readonly (FilterCondition | FilterConditionInput)[],
  b: readonly (FilterCondition | FilterConditionInput)[],
): boolean {
  const canonical = (list: readonly (FilterCondition | FilterConditionInput)[]) =>
    JSON.stringify(
      list.map((c) => [
        c.field,
        c.operator,
        operandOf(c.operator) === 'value' ? (c.value ?? null) : null,
        c.values ?? null,
      ]),
    );
  return canonical(a) === canonical(b);
}

/** `city is one of "Oslo", "Bergen" and email is not empty`; "none" when there are no conditions. */
export function filterLabel(conditions: readonly (FilterCondition | FilterConditionInput)[]): string {
  if (conditions.length === 0) return t('mappings.filter.none');
  return conditions
    .map((c) => {
      const operand = operandOf(c.operator);
      const what =
        operand === 'values'
          ? ` ${(c.values ?? []).map((v) => JSON.stringify(v ?? null)).join(', ')}`
          : operand === 'value'
            ? ` ${JSON.stringify(c.value ?? null)}`
            : '';
      return `${c.field} ${operatorLabel(c.operator)}${what}`;
    })
    .join(t('mappings.filter.and'));
}
