import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const API_KEY_ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * An API key. Only a SHA-256 hash of the secret is stored (keys are long random strings, so a fast hash
 * is enough); `prefix` (the first characters) lets a person tell keys apart in a list.
 */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_key',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string(),
    role: p.enum([...API_KEY_ROLES]),
    keyHash: p.string().unique(),
    prefix: p.string(),
    createdAt: p.bigint('number'),
    lastUsedAt: p.bigint('number').nullable(),
    revokedAt: p.bigint('number').nullable(),
    /** After this instant (epoch ms) the key is refused like a revoked one; null: it never expires. */
    expiresAt: p.bigint('number').nullable(),
  },
});
export type ApiKey = InferEntity<typeof ApiKeySchema>;
