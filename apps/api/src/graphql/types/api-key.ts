import { type ApiKey, ApiKeySchema, listApiKeys } from '@tandem/sync-core';
import { createApiKey, revokeApiKey } from '../../auth/api-keys.js';
import { InvalidInputError } from '../../errors/invalid-input.error.js';
import { NotFoundError } from '../../errors/not-found.error.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId } from '../ids.js';
import { countedConnection, forwardArgs } from './connection.js';
import { ApiKeyRoleEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';

/** An API key as an admin sees it: never the key itself, only its first characters. */
export const ApiKeyRef = builder.node(builder.objectRef<ApiKey>('ApiKey'), {
  id: { resolve: (key: ApiKey) => key.id, parse: parseDatabaseId },
  // `node(id)` is a read any VIEWER may make; keys are an admin's business.
  authScopes: { admin: true },
  loadOne: (id, context) => context.em.findOne(ApiKeySchema, { id }),
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.field({ type: ApiKeyRoleEnum, resolve: (key) => key.role }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => key.createdAt }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.lastUsedAt ?? null }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.revokedAt ?? null }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'After this the key is refused and its open connections are closed; null: never.',
      resolve: (key) => key.expiresAt ?? null,
    }),
  }),
});

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKey; key: string }>('CreateApiKeyPayload').implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (payload) => payload.apiKey }),
    key: t.exposeString('key', { description: 'The key itself. Shown this once: only its hash is stored.' }),
  }),
});

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>('RevokeApiKeyPayload').implement({
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, resolve: (payload) => payload.apiKey }) }),
});

const ApiKeyConnection = countedConnection('ApiKeyConnection', ApiKeyRef);

const MAX_NAME_LENGTH = 100;

builder.queryFields((t) => ({
  apiKeys: t.field({
    type: ApiKeyConnection,
    authScopes: { admin: true },
    description: 'Every API key, revoked ones included, newest first (ADMIN).',
    args: forwardArgs(t.arg),
    resolve: (_root, args, context) =>
      reportingInputErrors(() => listApiKeys(context.em, { first: args.first, after: args.after })),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    args: {
      name: t.arg.string({ required: true }),
      role: t.arg({ type: ApiKeyRoleEnum, required: true }),
      expiresAt: t.arg({ type: 'DateTime', description: 'Optional: the key stops working at this time.' }),
    },
    resolve: async (_root, args, context) => {
      const name = args.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidInputError('name', `must be 1–${MAX_NAME_LENGTH} characters`);
      }
      if (args.expiresAt != null && args.expiresAt <= Date.now()) {
        throw new InvalidInputError('expiresAt', 'must be in the future');
      }
      const { key, apiKey } = await createApiKey(context.em, name, args.role, args.expiresAt ?? null);
      return { key, apiKey };
    },
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseId('ApiKey', String(args.id));
      const existing = await context.em.findOne(ApiKeySchema, { id });
      if (!existing) throw new NotFoundError('ApiKey', String(args.id));
      await revokeApiKey(context.em, id);
      // Open WebSockets and subscriptions of the key close now; other API processes see it on their sweep.
      context.sessions?.endAll(id, 'revoked');
      return { apiKey: await context.em.findOneOrFail(ApiKeySchema, { id }, { refresh: true }) };
    },
  }),
}));
