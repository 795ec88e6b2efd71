import { describe, expect, it } from 'vitest';
import {
  conditionsFromRows,
  type FilterCondition,
  filterLabel,
  rowsFromConditions,
  sameConditions,
} from '../../src/composables/table-mapping-filters';

const saved: FilterCondition[] = [
  { field: 'blocked', operator: 'EQ', value: false, values: null },
  { field: 'code', operator: 'EQ', value: '42', values: null },
  { field: 'city', operator: 'IN', value: null, values: ['Oslo', 'Bergen, west', null, 7] },
  { field: 'name', operator: 'LIKE', value: 'A%', values: null },
  { field: 'email', operator: 'NOT_NULL', value: null, values: null },
  { field: 'note', operator: 'NE', value: 'true', values: null },
];

describe('filter rows', () => {
  it('shows values as they would be typed, quoting text only where it would read as something else', () => {
    expect(rowsFromConditions(saved).map((row) => row.value)).toEqual([
      'false',
      '"42"',
      'Oslo, "Bergen, west", null, 7',
      'A%',
      '',
      '"true"',
    ]);
  });

  it('reads the rows back to the same conditions', () => {
    const { conditions, problems } = conditionsFromRows(rowsFromConditions(saved));
    expect(problems).toEqual([]);
    expect(sameConditions(conditions, saved)).toBe(true);
    expect(conditions[2]).toEqual({ field: 'city', operator: 'IN', values: ['Oslo', 'Bergen, west', null, 7] });
  });

  it('takes LIKE patterns as text, and names what is missing', () => {
    expect(conditionsFromRows([{ field: 'zip', operator: 'LIKE', value: '04%' }]).conditions).toEqual([
      { field: 'zip', operator: 'LIKE', value: '04%' },
    ]);
    expect(conditionsFromRows([{ field: 'city', operator: 'IN', value: 'Oslo,' }]).problems).toEqual([
      'Condition 1: enter a value.',
    ]);
    expect(conditionsFromRows([{ field: 'city', operator: 'EQ', value: '"Oslo' }]).problems).toEqual([
      'Condition 1: close the quotes of "Oslo.',
    ]);
  });

  it('says a filter in words', () => {
    expect(filterLabel([])).toBe('none');
    expect(filterLabel(saved.slice(0, 3))).toBe(
      'blocked = false and code = "42" and city is one of "Oslo", "Bergen, west", null, 7',
    );
  });
});
