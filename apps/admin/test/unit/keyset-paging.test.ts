import { describe, expect, it } from 'vitest';
import {
  canGoBack,
  FIRST_PAGE,
  MAX_BACK,
  nextPage,
  type Paging,
  pagingFromQuery,
  previousPage,
  queryFromPaging,
} from '../../src/composables/keyset-paging';

describe('keyset paging with a way back', () => {
  it('page 1 has no cursor and no way back', () => {
    expect(queryFromPaging(FIRST_PAGE)).toEqual({});
    expect(pagingFromQuery({})).toEqual(FIRST_PAGE);
    expect(canGoBack(FIRST_PAGE)).toBe(false);
  });

  it('Next pushes the page left behind; Previous pops it, back to the first page', () => {
    const page2 = nextPage(FIRST_PAGE, 'c1');
    expect(page2).toEqual({ after: 'c1', back: [], page: 2 });
    const page3 = nextPage(page2, 'c2');
    expect(page3).toEqual({ after: 'c2', back: ['c1'], page: 3 });
    expect(canGoBack(page3)).toBe(true);
    expect(previousPage(page3)).toEqual(page2);
    expect(previousPage(page2)).toEqual(FIRST_PAGE);
  });

  it('round-trips through the URL', () => {
    const page4 = nextPage(nextPage(nextPage(FIRST_PAGE, 'c1'), 'c2'), 'c3');
    const query = queryFromPaging(page4);
    expect(query).toEqual({ after: 'c3', back: 'c1,c2', page: '4' });
    expect(pagingFromQuery(query)).toEqual(page4);
  });

  it('keeps at most MAX_BACK cursors; where the kept ones end, Previous stops (First page remains)', () => {
    let paging: Paging = FIRST_PAGE;
    for (let i = 1; i <= MAX_BACK + 5; i++) paging = nextPage(paging, `c${i}`);
    expect(paging.page).toBe(MAX_BACK + 6);
    expect(paging.back).toHaveLength(MAX_BACK);
    for (let i = 0; i < MAX_BACK; i++) {
      expect(canGoBack(paging)).toBe(true);
      paging = previousPage(paging);
    }
    expect(paging.page).toBe(6);
    expect(paging.after).toBe('c5');
    expect(canGoBack(paging)).toBe(false);
    // Never a wrong page: asked anyway, it goes to the first page.
    expect(previousPage(paging)).toEqual(FIRST_PAGE);
  });

  it('repairs a hand-edited link: no cursor is page 1, a missing or impossible page number is inferred', () => {
    expect(pagingFromQuery({ page: '7', back: 'c1' })).toEqual(FIRST_PAGE);
    expect(pagingFromQuery({ after: 'c2', back: 'c1' })).toEqual({ after: 'c2', back: ['c1'], page: 3 });
    expect(pagingFromQuery({ after: 'c2', back: 'c1', page: '1' })).toEqual({ after: 'c2', back: ['c1'], page: 3 });
    expect(pagingFromQuery({ after: 'c2', back: ',,c1,', page: 'x' })).toEqual({ after: 'c2', back: ['c1'], page: 3 });
    const long = Array.from({ length: MAX_BACK + 3 }, (_, i) => `c${i}`).join(',');
    expect(pagingFromQuery({ after: 'z', back: long }).back).toHaveLength(MAX_BACK);
  });
});
