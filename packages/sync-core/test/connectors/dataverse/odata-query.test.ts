import { describe, expect, it } from 'vitest';
import {
  alternateKeySegment,
  compileFilter,
  idSegment,
  literal,
  matchesLocally,
  ODataValueError,
  queryString,
} from '../../../src/connectors/dataverse/odata-query.js';

const KINDS = { name: 'string', score: 'int', credit: 'decimal', blocked: 'boolean', since: 'datetime' } as const;
const kindOf = (column: string) => KINDS[column as keyof typeof KINDS] ?? 'string';

describe('OData literals', () => {
  it('quotes text, doubling quotes, so a value never leaves its literal', () => {
    expect(literal('name', 'string', "O'Brien")).toBe("'O''Brien'");
    expect(literal('name', 'string', "x' or 1 eq 1 or name eq 'y")).toBe("'x'' or 1 eq 1 or name eq ''y'");
  });

  it('writes numbers, booleans, GUIDs and dates as their types take them, and refuses what does not fit', () => {
    expect(literal('score', 'int', '42')).toBe('42');
    expect(literal('credit', 'decimal', 12.5)).toBe('12.5');
    expect(literal('blocked', 'boolean', false)).toBe('false');
    expect(literal('id', 'guid', 'AAAAAAAA-0000-4000-8000-000000000001')).toBe('aaaaaaaa-0000-4000-8000-000000000001');
    expect(literal('since', 'datetime', '2026-11-26T12:00:05.900Z')).toBe('2026-11-26T12:00:05Z');
    expect(literal('name', 'string', null)).toBe('null');
    expect(() => literal('score', 'int', '4 or true')).toThrow(ODataValueError);
    expect(() => literal('score', 'int', 1.5)).toThrow('column "score": 1.5 is not a whole number');
    expect(() => literal('id', 'guid', "x') or (1 eq 1")).toThrow('is not a GUID');
    expect(() => literal('blocked', 'boolean', 'yes')).toThrow(ODataValueError);
  });
});

describe('the structured filter as $filter', () => {
  it('compiles each operator, ANDed, with null tests as OData has them', () => {
    const { expression, local } = compileFilter(
      [
        { field: 'blocked', operator: 'EQ', value: false },
        { field: 'score', operator: 'GE', value: 10 },
        { field: 'name', operator: 'NE', value: 'x' },
        { field: 'since', operator: 'IS_NULL' },
        { field: 'credit', operator: 'NOT_NULL' },
        { field: 'score', operator: 'IN', values: [1, null] },
      ],
      kindOf,
    );
    expect(expression).toBe(
      "blocked eq false and score ge 10 and (name ne 'x' or name eq null) and since eq null and credit ne null and (score eq 1 or score eq null)",
    );
    expect(local).toEqual([]);
  });

  it('leaves LIKE to the connector, which matches it without regard to case, with % _ and \\ escapes', () => {
    const like = { field: 'name', operator: 'LIKE' as const, value: 'di 100\\%' };
    const { expression, local } = compileFilter([like, { field: 'score', operator: 'LT', value: 5 }], kindOf);
    expect(expression).toBe('score lt 5');
    expect(matchesLocally({ name: 'Di 100%' }, local)).toBe(true);
    expect(matchesLocally({ name: 'Di 1000' }, local)).toBe(false);
    expect(matchesLocally({ name: null }, local)).toBe(false);
    expect(matchesLocally({ name: 'Ada' }, [{ field: 'name', operator: 'LIKE', value: 'a_a' }])).toBe(true);
    expect(matchesLocally({ name: 'A.a' }, [{ field: 'name', operator: 'LIKE', value: 'a\\_a' }])).toBe(false);
  });

  it('matches nothing for an empty IN list', () => {
    expect(compileFilter([{ field: 'score', operator: 'IN', values: [] }], kindOf).expression).toBe('false');
  });
});

describe('query strings and key segments', () => {
  it('keeps $ options readable and percent-encodes the filter text', () => {
    expect(
      queryString({
        select: ['accountid', 'name', 'name'],
        filter: "name eq 'a b'",
        orderby: ['modifiedon', 'accountid'],
        top: 5,
      }),
    ).toBe("?$select=accountid,name&$filter=name%20eq%20'a%20b'&$orderby=modifiedon,accountid&$top=5");
    expect(queryString({})).toBe('');
  });

  it('addresses a record by GUID or by alternate key', () => {
    expect(idSegment('accountid', 'guid', '00000000-0000-4000-8000-00000000000A')).toBe(
      '(00000000-0000-4000-8000-00000000000a)',
    );
    expect(
      alternateKeySegment([
        { column: 'erp_id', kind: 'string', value: "4'2" },
        { column: 'year', kind: 'int', value: 2026 },
      ]),
    ).toBe("(erp_id='4''2',year=2026)");
    expect(() => idSegment('accountid', 'guid', '42')).toThrow(ODataValueError);
  });
});
