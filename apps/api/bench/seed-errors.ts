import { createStore, saveTableMapping } from '@tandem/sync-core';
import { createApiKey } from '../src/auth/api-keys.js';

/**
 * A migrated store at `storePath` with the two mappings the errors benchmarks spread their errors over
 * (`customers`, `items`) and an API key with `role`, ready for `seedErrors` (`@tandem/sync-core/bench-errors-seed`).
 */
export async function createErrorsBenchStore(
  storePath: string,
  role: 'VIEWER' | 'OPERATOR',
): Promise<{ key: string; mappingIds: [number, number] }> {
  const store = await createStore({ url: `sqlite:${storePath}` });
  try {
    const mapping = (name: string) =>
      saveTableMapping(store.em(), {
        name,
        local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
        integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
        fields: [{ local: 'name', integration: 'name' }],
      });
    const mappingIds: [number, number] = [await mapping('customers'), await mapping('items')];
    const { key } = await createApiKey(store.em(), 'bench', role);
    return { key, mappingIds };
  } finally {
    await store.close();
  }
}
