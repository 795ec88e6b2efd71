import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { isMissingMapping } from '../../src/composables/table-mapping-missing';

// Errors as the API sends them (urql turns each into a GraphQLError).
const onPath = (message: string, field: string) => ({ message, path: [field] });

describe('a detail URL whose id names no mapping', () => {
  it('is "missing" when only `node` failed', () => {
    const error = new CombinedError({
      graphQLErrors: [onPath('TableMapping 999 does not exist', 'node')],
    });
    expect(isMissingMapping(error)).toBe(true);
    expect(isMissingMapping(new CombinedError({ graphQLErrors: [onPath('Invalid global ID: x', 'node')] }))).toBe(true);
  });

  it('is a load failure when the network or another field failed', () => {
    expect(isMissingMapping(new CombinedError({ networkError: new Error('Failed to fetch') }))).toBe(false);
    expect(isMissingMapping(new CombinedError({ graphQLErrors: [onPath('boom', 'viewer')] }))).toBe(false);
    expect(isMissingMapping(new CombinedError({ graphQLErrors: [{ message: 'no path' }] }))).toBe(false);
    expect(isMissingMapping(null)).toBe(false);
  });
});
