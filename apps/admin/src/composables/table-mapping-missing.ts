import type { CombinedError } from '@urql/core';

/**
 * True when the detail query failed only because of its id (garbage, a malformed global id): `node`
 * refuses those with a GraphQL error on its own path (an unknown but well-formed id answers null). The page
 * then says "no such mapping" instead of "could not be loaded" with a Try again that cannot help.
 */
export function isMissingMapping(error: CombinedError | null | undefined): boolean {
  if (!error || error.networkError || error.graphQLErrors.length === 0) return false;
  return error.graphQLErrors.every((graphQLError) => graphQLError.path?.[0] === 'node');
}
