import type { ApiKeyRole } from '@tandem/sync-core';
import { type GraphQLResolveInfo, isObjectType } from 'graphql';
import { hasRole } from '../auth/roles.js';
import type { GraphQLContext } from '../context.js';
import { ForbiddenError } from '../errors/forbidden.error.js';
import { InvalidIdError } from '../errors/invalid-id.error.js';
import { NotFoundError } from '../errors/not-found.error.js';

/** The builder's boolean scopes and the role each stands for (builder.ts grants them the same way). */
const SCOPE_ROLES: Record<string, ApiKeyRole> = { viewer: 'VIEWER', operator: 'OPERATOR', admin: 'ADMIN' };

/**
 * `node(id:)` for a caller: the id must name a type that implements Node; the caller must hold the role
 * that type declares (its type-level `authScopes`, e.g. ApiKey needs ADMIN) before anything is loaded;
 * an id that names no row answers null, as Relay clients expect.
 */
export async function resolveNodeForCaller(
  id: { typename: string; id: string },
  context: GraphQLContext,
  info: GraphQLResolveInfo,
  /** Pothos's loader for the node named by `id` (it takes the id from the field's own argument). */
  loadNode: (id: { typename: string; id: string }) => unknown,
): Promise<unknown> {
  const type = info.schema.getType(id.typename);
  if (!isObjectType(type) || !type.getInterfaces().some((iface) => iface.name === 'Node')) {
    throw new InvalidIdError('Node', `${id.typename}:${id.id}`);
  }
  const scopes = (type.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes;
  if (!allows(context.caller?.role, scopes)) throw new ForbiddenError();
  const node = await loadNode(id);
  if (node instanceof NotFoundError) return null;
  return node;
}

/**
 * Whether a role satisfies a type's static scope map (`{ viewer: true }`: any listed scope suffices).
 * Default deny: a type that names no static role — or a scope this map does not know — allows nobody.
 */
function allows(role: ApiKeyRole | undefined, scopes: unknown): boolean {
  if (scopes == null || typeof scopes !== 'object') return false;
  return Object.entries(scopes).some(
    ([scope, wanted]) => wanted === true && SCOPE_ROLES[scope] !== undefined && hasRole(role, SCOPE_ROLES[scope]),
  );
}
