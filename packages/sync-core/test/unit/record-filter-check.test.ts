import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { checkFilterColumns, checkFilterShape } from '../../src/mappings/record-filter-check.js';

/** The refusal's path and reason, or null when the filter is accepted. */
function refusal(conditions: unknown): string | null {
  try {
    checkFilterShape(conditions, 'filters.local');
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
}

describe('structured filter shape', () => {
  it('accepts each operator with the operand it takes, and returns plain conditions', () => {
    const conditions = [
      { field: 'blocked', operator: 'EQ', value: false },
      { field: 'name', operator: 'NE', value: null },
      { field: 'credit', operator: 'GE', value: 10.5 },
      { field: 'city', operator: 'IN', values: ['Oslo', null, 3, true] },
      { field: 'email', operator: 'IS_NULL', value: null, values: null },
      { field: 'email', operator: 'NOT_NULL' },
      { field: 'name', operator: 'LIKE', value: 'A%' },
    ];
    expect(checkFilterShape(conditions, 'filters.local')).toEqual([
      { field: 'blocked', operator: 'EQ', value: false },
      { field: 'name', operator: 'NE', value: null },
      { field: 'credit', operator: 'GE', value: 10.5 },
      { field: 'city', operator: 'IN', values: ['Oslo', null, 3, true] },
      { field: 'email', operator: 'IS_NULL' },
      { field: 'email', operator: 'NOT_NULL' },
      { field: 'name', operator: 'LIKE', value: 'A%' },
    ]);
    expect(checkFilterShape([], 'filters.local')).toEqual([]);
  });

  it('names the path of each mistake', () => {
    const ok = { field: 'name', operator: 'EQ', value: 'x' };
    expect(refusal({})).toBe('filters.local: must be a list of conditions');
    expect(refusal([ok, 'name = 1'])).toBe('filters.local[1]: must be a condition { field, operator, value | values }');
    expect(refusal([ok, { field: '', operator: 'EQ', value: 1 }])).toBe('filters.local[1].field: names no column');
    expect(refusal([{ field: 'a', operator: 'BETWEEN', value: 1 }])).toBe(
      'filters.local[0].operator: must be one of EQ, NE, LT, LE, GT, GE, IN, IS_NULL, NOT_NULL, LIKE',
    );
    expect(refusal([{ field: 'a', operator: 'EQ' }])).toBe('filters.local[0].value: EQ needs a value');
    expect(refusal([{ field: 'a', operator: 'EQ', values: [1] }])).toBe(
      'filters.local[0].values: EQ takes one value, not values',
    );
    expect(refusal([{ field: 'a', operator: 'IN', value: 1 }])).toBe(
      'filters.local[0].value: IN takes values, not value',
    );
    expect(refusal([{ field: 'a', operator: 'IN', values: [] }])).toBe(
      'filters.local[0].values: IN needs a list of values',
    );
    expect(refusal([{ field: 'a', operator: 'IN', values: [1, { $gt: 1 }] }])).toBe(
      'filters.local[0].values[1]: must be a string, a number, a boolean or null',
    );
    expect(refusal([{ field: 'a', operator: 'IS_NULL', value: 1 }])).toBe(
      'filters.local[0].value: IS_NULL takes no value',
    );
    expect(refusal([{ field: 'a', operator: 'GT', value: null }])).toBe(
      'filters.local[0].value: GT compares with a value, not null (use IS_NULL or NOT_NULL)',
    );
    expect(refusal([{ field: 'a', operator: 'LIKE', value: 5 }])).toBe(
      'filters.local[0].value: LIKE takes a text pattern',
    );
    expect(refusal([{ field: 'a', operator: 'EQ', value: Number.NaN }])).toBe(
      'filters.local[0].value: must be a finite number',
    );
    expect(refusal([{ field: 'a', operator: 'EQ', value: 1, sql: '1=1' }])).toBe(
      'filters.local[0].sql: is not a part of a condition',
    );
    expect(refusal(Array.from({ length: 51 }, () => ok))).toBe('filters.local: at most 50 conditions');
  });

  it('names an unknown column with its path and table', () => {
    const conditions = checkFilterShape(
      [
        { field: 'name', operator: 'EQ', value: 'x' },
        { field: 'blokced', operator: 'EQ', value: false },
      ],
      'filters.local',
    );
    expect(() => checkFilterColumns(conditions, ['id', 'name', 'blocked'], 'customer', 'filters.local')).toThrow(
      'filters.local[1].field: column "blokced" does not exist in table customer',
    );
  });
});
