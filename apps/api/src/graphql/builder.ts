import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { hasRole } from '../auth/roles.js';
import type { GraphQLContext } from '../context.js';
import { ApiError } from '../errors/api.error.js';
import { ForbiddenError } from '../errors/forbidden.error.js';
import { decodeStrictGlobalId } from './ids.js';
import { resolveNodeForCaller } from './node-access.js';
import SyncNodeIdsPlugin from './sync-node-ids.plugin.js';

/**
 * The Pothos builder: configuration only; every type lives in ./types (one file per domain type, with its
 * own query, mutation and subscription fields).
 *
 * Plugin order matters: the errors plugin wraps outermost so that a ForbiddenError thrown by scope-auth
 * becomes a typed result on fields that declare errors; relay precedes scope-auth so auth sees parsed ids;
 * sync-node-ids comes last, so the node ids it resolves without a promise are still wrapped by the others.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { viewer: boolean; operator: boolean; admin: boolean };
  /** Epoch milliseconds inside, ISO-8601 strings on the wire. */
  Scalars: { DateTime: { Input: number; Output: number }; JSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Fields are non-null unless they say otherwise: the contract reads `SyncJob!`, not `SyncJob`.
  defaultFieldNullability: false,
  plugins: [ErrorsPlugin, RelayPlugin, ScopeAuthPlugin, DataloaderPlugin, SyncNodeIdsPlugin],
  scopeAuth: {
    // Checked when a subscription starts, not only per event: a refused caller gets no stream at all.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      viewer: hasRole(context.caller?.role, 'VIEWER'),
      operator: hasRole(context.caller?.role, 'OPERATOR'),
      admin: hasRole(context.caller?.role, 'ADMIN'),
    }),
    unauthorizedError: () => new ForbiddenError(),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Every global id, in `node(id:)` and in ID arguments, is read strictly (see ids.ts).
    decodeGlobalID: (globalID) => decodeStrictGlobalId(globalID),
    // `node(id)` checks the role the target type requires before it loads anything (node-access.ts).
    nodeQueryOptions: {
      authScopes: { viewer: true },
      resolve: (_root, args, context, info, loadNode) => resolveNodeForCaller(args.id, context, info, loadNode),
    },
    // `nodes(ids)` is not part of the contract; `node(id)` is.
    nodesQueryOptions: false,
  },
  errors: {
    // Only our own expected errors become typed results; everything else stays a (masked) GraphQL error.
    defaultTypes: [ApiError],
    directResult: true,
  },
});
