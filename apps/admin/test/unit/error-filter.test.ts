import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTER,
  filterFromQuery,
  isFiltered,
  queryFromFilter,
  toApiFilter,
  withChange,
} from '../../src/composables/error-filter';

describe('errors page filter ⇄ URL', () => {
  it('a plain URL is the default view: open errors, first page', () => {
    expect(filterFromQuery({})).toEqual(DEFAULT_FILTER);
    expect(queryFromFilter(DEFAULT_FILTER)).toEqual({});
  });

  it('round-trips every field through the query string', () => {
    const state = {
      mappingId: 'TWFwcGluZzox',
      kinds: ['UPDATE_CONFLICT' as const, 'WRITE_FAILED' as const],
      status: 'ALL' as const,
      search: 'crm-p-2',
      after: 'cursor-1',
    };
    const query = queryFromFilter(state);
    expect(query).toEqual({
      mapping: 'TWFwcGluZzox',
      kind: 'UPDATE_CONFLICT,WRITE_FAILED',
      status: 'ALL',
      q: 'crm-p-2',
      after: 'cursor-1',
    });
    expect(filterFromQuery(query)).toEqual(state);
  });

  it('ignores unknown kinds and statuses and repeated values from a hand-edited link', () => {
    const state = filterFromQuery({ kind: 'WRITE_FAILED,BOGUS,WRITE_FAILED', status: 'SOMETIMES', mapping: '' });
    expect(state.kinds).toEqual(['WRITE_FAILED']);
    expect(state.status).toBe('OPEN');
    expect(state.mappingId).toBeNull();
  });

  it('takes the first value when a parameter is repeated', () => {
    expect(filterFromQuery({ q: ['first', 'second'] }).search).toBe('first');
  });

  it('a filter change returns to the first page', () => {
    const onPage3 = { ...DEFAULT_FILTER, after: 'c3' };
    expect(withChange(onPage3, { kinds: ['WRITE_FAILED'] })).toEqual({ ...DEFAULT_FILTER, kinds: ['WRITE_FAILED'] });
  });

  it('builds the API filter: statuses always explicit, blanks left out', () => {
    expect(toApiFilter(DEFAULT_FILTER)).toEqual({ statuses: ['OPEN'] });
    expect(toApiFilter({ ...DEFAULT_FILTER, status: 'ALL', search: '  x  ', mappingId: '7' })).toEqual({
      statuses: ['OPEN', 'RESOLVED'],
      search: 'x',
      mappingId: '7',
    });
  });

  it('knows when the list is narrowed (for the empty state)', () => {
    expect(isFiltered(DEFAULT_FILTER)).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTER, after: 'c' })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTER, search: 'x' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_FILTER, status: 'RESOLVED' })).toBe(true);
  });
});
