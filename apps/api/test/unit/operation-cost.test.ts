import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost } from '../../src/graphql/operation-cost.js';
import { LIMITS } from '../../src/limits.js';

describe('operationCost', () => {
  it('counts a page size given as a variable like one written in the query', () => {
    const literal = operationCost(parse('{ syncJobs(first: 200) { edges { node { id } } } }'), null, {});
    const variable = operationCost(parse('query($n: Int) { syncJobs(first: $n) { edges { node { id } } } }'), null, {
      n: 200,
    });
    expect(variable).toBe(literal);
    // A connection without `first` is a default page of 50, not 1.
    const none = operationCost(parse('{ syncJobs { edges { node { id } } } }'), null, {});
    expect(none).toBe(operationCost(parse('{ syncJobs(first: 50) { edges { node { id } } } }'), null, {}));
    expect(literal).toBeGreaterThan(none);
  });

  it('counts fragments where they are spread, and picks the named operation', () => {
    const document = parse(`
      query A { syncJobs(first: 10) { edges { node { ...job } } } }
      query B { viewer { name } }
      fragment job on SyncJob { id status }`);
    const inline = operationCost(parse('{ syncJobs(first: 10) { edges { node { id status } } } }'), null, {});
    expect(operationCost(document, 'A', {})).toBe(inline);
    expect(operationCost(document, 'B', {})).toBeLessThan(inline);
  });

  it('leaves introspection to its own switch: the standard introspection query fits the limit', () => {
    expect(operationCost(parse(getIntrospectionQuery()), null, {})).toBeLessThan(LIMITS.maxCost);
  });
});
