import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * `graphql()` that types every document from the committed schema (apps/api/schema.graphql, turned into
 * graphql-env.d.ts by `pnpm graphql-env`): a field the API does not have fails the typecheck, not the user.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; JSON: unknown };
  // Fragments here share field lists between documents; masking them would only add readFragment calls.
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
