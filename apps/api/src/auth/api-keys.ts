import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { type ApiKey, type ApiKeyRole, ApiKeySchema } from '@tandem/sync-core';

/**
 * API keys: `tdm_` + 32 random bytes (base64url). Only the SHA-256 hash is stored — the key is random and
 * long, so a fast hash is enough and a leaked database does not leak usable keys. The plain key exists
 * only in the answer to `createApiKey` (and the one line `ensureAdminKey` prints).
 */
const KEY_PREFIX = 'tdm_';
/** Characters of the key kept as `prefix`, so a person can tell keys apart in a list. */
const SHOWN_PREFIX_LENGTH = 12;
/** `last_used_at` is refreshed at most this often: a write per request would cost more than it tells. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Who is calling: the key's id and name (for logs and `resolvedBy`), its role and when it expires. */
export interface Caller {
  keyId: number;
  name: string;
  role: ApiKeyRole;
  /** Epoch ms after which the key is refused; null: never. */
  expiresAt: number | null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface CreatedApiKey {
  /** The plain key: shown once, never stored. */
  key: string;
  apiKey: ApiKey;
}

export async function createApiKey(
  em: EntityManager,
  name: string,
  role: ApiKeyRole,
  expiresAt: number | null = null,
): Promise<CreatedApiKey> {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const apiKey = em.create(ApiKeySchema, {
    name,
    role,
    keyHash: hashApiKey(key),
    prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt,
  });
  await em.flush();
  return { key, apiKey };
}

/** Longest key we look up: anything longer is not one of ours (and is not worth hashing). */
const MAX_TOKEN_LENGTH = 100;

/** The caller a bearer token belongs to, or null for an unknown, revoked or expired key. */
export async function authenticateApiKey(em: EntityManager, token: string): Promise<Caller | null> {
  if (!token.startsWith(KEY_PREFIX) || token.length > MAX_TOKEN_LENGTH) return null;
  const apiKey = await em.findOne(ApiKeySchema, { keyHash: hashApiKey(token), revokedAt: null });
  const now = Date.now();
  if (!apiKey || isExpired(apiKey, now)) return null;
  if (apiKey.lastUsedAt == null || now - apiKey.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKeySchema, { id: apiKey.id }, { lastUsedAt: now });
  }
  return { keyId: apiKey.id, name: apiKey.name, role: apiKey.role, expiresAt: apiKey.expiresAt ?? null };
}

export function isExpired(apiKey: Pick<ApiKey, 'expiresAt'>, now = Date.now()): boolean {
  return apiKey.expiresAt != null && apiKey.expiresAt <= now;
}

/** Revokes a key; false when there is no such key or it was revoked already. */
export async function revokeApiKey(em: EntityManager, id: number): Promise<boolean> {
  const changed = await em.nativeUpdate(ApiKeySchema, { id, revokedAt: null }, { revokedAt: Date.now() });
  return changed > 0;
}

/**
 * On start: without any active (unrevoked, unexpired) ADMIN key nobody could manage keys, so one is created and its plain value
 * returned for the caller to print once. Returns null when an active admin key exists.
 */
export async function ensureAdminKey(em: EntityManager): Promise<string | null> {
  const active = await em.count(ApiKeySchema, {
    role: 'ADMIN',
    revokedAt: null,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: Date.now() } }],
  });
  if (active > 0) return null;
  const { key } = await createApiKey(em, 'admin', 'ADMIN');
  return key;
}

/** The token of an `Authorization: Bearer …` value (scheme case-insensitive), or null. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
