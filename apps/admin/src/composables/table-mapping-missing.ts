import type { CombinedError } from '@urql/core';

/**
 * True when the detail query failed only because of its id (garbage, another type's id, or a mapping that
 * no longer exists): `node` answers those with a GraphQL error on its own path, not with null. The page
 * then says "no such mapping" instead of "could not be loaded" with a Try again that cannot help.
 */
export function isMissingMapping(error: CombinedError | null | undefined): boolean {
  if (!error || error.networkError || error.graphQLErrors.length === 0) return false;
  return error.graphQLErrors.every((graphQLError) => graphQLError.path?.[0] === 'node');
}
