import { describe, expect, it } from 'vitest';
import {
  actionScope,
  canOfferAllMatching,
  EMPTY_SELECTION,
  selectAllMatching,
  selectRows,
} from '../../src/composables/selection';

describe('selection on the errors page', () => {
  it('nothing selected: no action scope', () => {
    expect(actionScope(EMPTY_SELECTION, 10)).toBeNull();
  });

  it('picked rows act on their ids', () => {
    expect(actionScope(selectRows(['a', 'b', 'a']), 10)).toEqual({ kind: 'ids', ids: ['a', 'b'], count: 2 });
  });

  it('"all matching" acts on the filter with the total count', () => {
    expect(actionScope(selectAllMatching(), 1234)).toEqual({ kind: 'filter', count: 1234 });
    expect(actionScope(selectAllMatching(), 0)).toBeNull();
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
