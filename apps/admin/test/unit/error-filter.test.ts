import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTER,
  filterFromQuery,
  groupChange,
  groupFilter,
  isFiltered,
  openErrorsFilter,
  queryFromFilter,
  toApiFilter,
  withChange,
} from '../../src/composables/error-filter';

describe('errors page filter ⇄ URL', () => {
  it('a plain URL is the default view: the list of open errors, first page', () => {
    expect(filterFromQuery({})).toEqual(DEFAULT_FILTER);
    expect(queryFromFilter(DEFAULT_FILTER)).toEqual({});
  });

  it('round-trips every field through the query string', () => {
    const state = {
      view: 'groups' as const,
      mappingId: 'TWFwcGluZzox',
      kinds: ['UPDATE_CONFLICT' as const, 'WRITE_FAILED' as const],
      status: 'ALL' as const,
      search: 'crm-p-2',
      messagePattern: 'update conflict on <n>',
      jobId: 'U3luY0pvYjoxNDg=',
      after: 'cursor-3',
      back: ['cursor-2'],
      page: 3,
    };
    const query = queryFromFilter(state);
    expect(query).toEqual({
      view: 'groups',
      mapping: 'TWFwcGluZzox',
      kind: 'UPDATE_CONFLICT,WRITE_FAILED',
      status: 'ALL',
      q: 'crm-p-2',
      pattern: 'update conflict on <n>',
      job: 'U3luY0pvYjoxNDg=',
      after: 'cursor-3',
      back: 'cursor-2',
      page: '3',
    });
    expect(filterFromQuery(query)).toEqual(state);
  });

  it('ignores unknown kinds, statuses and views and repeated values from a hand-edited link', () => {
    const state = filterFromQuery({
      kind: 'WRITE_FAILED,BOGUS,WRITE_FAILED',
      status: 'SOMETIMES',
      mapping: '',
      view: 'cards',
      pattern: '',
    });
    expect(state.kinds).toEqual(['WRITE_FAILED']);
    expect(state.status).toBe('OPEN');
    expect(state.mappingId).toBeNull();
    expect(state.view).toBe('list');
    expect(state.messagePattern).toBeNull();
  });

  it('takes the first value when a parameter is repeated', () => {
    expect(filterFromQuery({ q: ['first', 'second'] }).search).toBe('first');
  });

  it('a filter or view change returns to the first page', () => {
    const onPage3 = { ...DEFAULT_FILTER, after: 'c3', back: ['c2'], page: 3 };
    expect(withChange(onPage3, { kinds: ['WRITE_FAILED'] })).toEqual({ ...DEFAULT_FILTER, kinds: ['WRITE_FAILED'] });
    expect(withChange(onPage3, { view: 'groups' })).toEqual({ ...DEFAULT_FILTER, view: 'groups' });
  });

  it('builds the API filter: statuses always explicit, blanks left out, the pattern passed on', () => {
    expect(toApiFilter(DEFAULT_FILTER)).toEqual({ statuses: ['OPEN'] });
    expect(toApiFilter({ ...DEFAULT_FILTER, status: 'ALL', search: '  x  ', mappingId: '7' })).toEqual({
      statuses: ['OPEN', 'RESOLVED'],
      search: 'x',
      mappingId: '7',
    });
    expect(toApiFilter({ ...DEFAULT_FILTER, messagePattern: 'p' })).toEqual({
      statuses: ['OPEN'],
      messagePattern: 'p',
    });
  });

  it('groups, and retry all, count open errors whatever status the list shows', () => {
    expect(toApiFilter({ ...DEFAULT_FILTER, view: 'groups', status: 'RESOLVED' }).statuses).toEqual(['OPEN']);
    expect(openErrorsFilter({ ...DEFAULT_FILTER, status: 'ALL', kinds: ['UPDATE_CONFLICT'] })).toEqual({
      statuses: ['OPEN'],
      kinds: ['UPDATE_CONFLICT'],
    });
  });

  it('knows when the list is narrowed (for the empty state)', () => {
    expect(isFiltered(DEFAULT_FILTER)).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTER, after: 'c', page: 2 })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTER, search: 'x' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_FILTER, status: 'RESOLVED' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_FILTER, messagePattern: 'p' })).toBe(true);
    // The groups view shows open errors only: a status left in the URL narrows nothing there.
    expect(isFiltered({ ...DEFAULT_FILTER, view: 'groups', status: 'RESOLVED' })).toBe(false);
  });
});

describe('a group of errors', () => {
  const group = { mapping: { id: 'M1' }, kind: 'UPDATE_CONFLICT' as const, messagePattern: 'conflict on <s>' };

  it('"Show errors" opens the list narrowed to its mapping, kind and pattern, open errors, page 1', () => {
    const from = { ...DEFAULT_FILTER, view: 'groups' as const, search: 'acme', after: 'g2', page: 2 };
    expect(withChange(from, groupChange(group))).toEqual({
      ...DEFAULT_FILTER,
      view: 'list',
      mappingId: 'M1',
      kinds: ['UPDATE_CONFLICT'],
      messagePattern: 'conflict on <s>',
      search: 'acme',
    });
  });

  it('is acted on with its own filter, keeping the search it was counted under', () => {
    expect(groupFilter(group, DEFAULT_FILTER)).toEqual({
      mappingId: 'M1',
      kinds: ['UPDATE_CONFLICT'],
      messagePattern: 'conflict on <s>',
      statuses: ['OPEN'],
    });
    expect(groupFilter(group, { ...DEFAULT_FILTER, search: ' acme ', kinds: ['WRITE_FAILED'] })).toEqual({
      mappingId: 'M1',
      kinds: ['UPDATE_CONFLICT'],
      messagePattern: 'conflict on <s>',
      statuses: ['OPEN'],
      search: 'acme',
    });
  });
});
