import { describe, expect, it } from 'vitest';
import { chunk, flattenRows, placeholders, tupleList } from '../../src/db/sql-parts.js';

describe('SQL building pieces', () => {
  it('writes one placeholder per value', () => {
    expect(placeholders(1)).toBe('?');
    expect(placeholders(3)).toBe('?, ?, ?');
    // Kept texts are answered again for the same shape, and other shapes get their own.
    expect(placeholders(3)).toBe('?, ?, ?');
    expect(placeholders(2)).toBe('?, ?');
  });

  it('writes one tuple per row for a multi-row VALUES list', () => {
    expect(tupleList(1, '?, ?')).toBe('(?, ?)');
    expect(tupleList(3, '?, ?')).toBe('(?, ?), (?, ?), (?, ?)');
    expect(tupleList(2, 'cast(? as integer), ?')).toBe('(cast(? as integer), ?), (cast(? as integer), ?)');
    expect(tupleList(1000, placeholders(11)).match(/\?/g)).toHaveLength(11_000);
  });

  it('still builds texts right after more shapes than it keeps', () => {
    for (let n = 1; n <= 600; n++) expect(placeholders(n).split(', ')).toHaveLength(n);
    expect(tupleList(2, '?')).toBe('(?), (?)');
    expect(placeholders(1)).toBe('?');
  });

  it('flattens rows into one list of values in row order, nulls and all', () => {
    expect(
      flattenRows([
        [1, 'a', null],
        [2, 'b', undefined],
        [3, 'c', 0],
      ]),
    ).toEqual([1, 'a', null, 2, 'b', undefined, 3, 'c', 0]);
    expect(flattenRows([])).toEqual([]);
    expect(flattenRows([[], [1], []])).toEqual([1]);
  });

  it('splits a list into chunks of at most the given size, in order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});
