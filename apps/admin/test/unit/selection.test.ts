import { describe, expect, it } from 'vitest';
import {
  actionScope,
  canOfferAllMatching,
  EMPTY_SELECTION,
  onPage,
  queryFromSelection,
  selectAllMatching,
  selectionFromQuery,
  selectRows,
} from '../../src/composables/selection';

const filter = { statuses: ['OPEN' as const] };

describe('selection on the errors page', () => {
  it('nothing selected: no action scope', () => {
    expect(actionScope(EMPTY_SELECTION, 10, filter)).toBeNull();
  });

  it('picked rows act on their ids', () => {
    expect(actionScope(selectRows(['a', 'b', 'a']), 10, filter)).toEqual({ kind: 'ids', ids: ['a', 'b'], count: 2 });
  });

  it('"all matching" acts on the filter with the total count', () => {
    expect(actionScope(selectAllMatching(), 1234, filter)).toEqual({ kind: 'filter', count: 1234, filter });
    expect(actionScope(selectAllMatching(), 0, filter)).toBeNull();
  });

  it('offers "select all N matching" only when the whole page is selected and more exist', () => {
    const page = ['a', 'b'];
    expect(canOfferAllMatching(selectRows(['a']), page, 10)).toBe(false);
    expect(canOfferAllMatching(selectRows(['a', 'b']), page, 10)).toBe(true);
    expect(canOfferAllMatching(selectRows(['a', 'b']), page, 2)).toBe(false);
    expect(canOfferAllMatching(selectAllMatching(), page, 10)).toBe(false);
    expect(canOfferAllMatching(EMPTY_SELECTION, [], 0)).toBe(false);
  });
});

describe('selection ⇄ URL', () => {
  it('no selection, no parameter', () => {
    expect(queryFromSelection(EMPTY_SELECTION, 50)).toEqual({});
    expect(selectionFromQuery(undefined, 50)).toEqual(EMPTY_SELECTION);
    expect(selectionFromQuery('', 50)).toEqual(EMPTY_SELECTION);
    expect(selectionFromQuery(',,', 50)).toEqual(EMPTY_SELECTION);
  });

  it('round-trips picked ids (global ids keep their padding) and "all matching"', () => {
    const picked = selectRows(['U3luY0Vycm9yOjE=', 'U3luY0Vycm9yOjI=']);
    const query = queryFromSelection(picked, 50);
    expect(query).toEqual({ selected: 'U3luY0Vycm9yOjE=,U3luY0Vycm9yOjI=' });
    expect(selectionFromQuery(query.selected, 50)).toEqual(picked);
    expect(queryFromSelection(selectAllMatching(), 50)).toEqual({ selected: 'all' });
    expect(selectionFromQuery('all', 50)).toEqual(selectAllMatching());
  });

  it('holds at most a page of ids, and no id twice', () => {
    const many = Array.from({ length: 80 }, (_, i) => `id${i}`);
    expect(selectionFromQuery(many.join(','), 50).ids.size).toBe(50);
    expect(queryFromSelection(selectRows(many), 50).selected?.split(',')).toHaveLength(50);
    expect([...selectionFromQuery('a,b,a', 50).ids]).toEqual(['a', 'b']);
    expect([...selectionFromQuery(['a', 'b'], 50).ids]).toEqual(['a']);
  });

  it('acts only on the ids the page shows (a shared link may name errors resolved since)', () => {
    expect([...onPage(selectRows(['a', 'gone']), ['a', 'b']).ids]).toEqual(['a']);
    const kept = selectRows(['a']);
    expect(onPage(kept, ['a', 'b'])).toBe(kept);
    expect(onPage(selectAllMatching(), []).allMatching).toBe(true);
  });
});
