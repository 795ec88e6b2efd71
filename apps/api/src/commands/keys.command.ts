import { API_KEY_ROLES, type ApiKeyRole, ApiKeySchema, createStore } from '@tandem/sync-core';
import { createApiKey, revokeApiKey } from '../auth/api-keys.js';
import type { TandemConfig } from '../config/config.schema.js';
import { UsageError } from './usage.error.js';

/** `tandem keys create --role R --name N | list | revoke ID`: API keys without the API. */
export async function keysCommand(
  config: TandemConfig,
  args: string[],
  options: { role?: string; name?: string },
): Promise<number> {
  const [action, id] = args;
  const store = await createStore({ url: config.database.url });
  try {
    const em = store.em();
    if (action === 'create') {
      const role = options.role?.toUpperCase();
      if (!role || !(API_KEY_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(`--role must be one of ${API_KEY_ROLES.join(', ')}`);
      }
      if (!options.name) throw new UsageError('--name is required: say who or what the key is for');
      const created = await createApiKey(em, options.name, role as ApiKeyRole);
      // Shown once: only its hash is stored.
      console.log(`API key: ${created.key}`);
      console.log(
        `id ${created.apiKey.id}, role ${role}, name "${options.name}" — store it now, it is not shown again`,
      );
      return 0;
    }
    if (action === 'list') {
      const keys = await em.find(ApiKeySchema, {}, { orderBy: { id: 'asc' } });
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${new Date(key.revokedAt).toISOString()}` : 'active';
        const used = key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : 'never';
        console.log(`${key.id}\t${key.role}\t${key.prefix}…\t${key.name}\t${state}\tlast used ${used}`);
      }
      return 0;
    }
    if (action === 'revoke') {
      const keyId = Number(id);
      if (!Number.isInteger(keyId) || keyId < 1) throw new UsageError('keys revoke needs the key id (see keys list)');
      if (!(await revokeApiKey(em, keyId))) {
        console.error(`no active API key ${keyId}`);
        return 1;
      }
      console.log(`API key ${keyId} revoked`);
      return 0;
    }
    throw new UsageError('keys create --role R --name N | keys list | keys revoke ID');
  } finally {
    await store.close();
  }
}
