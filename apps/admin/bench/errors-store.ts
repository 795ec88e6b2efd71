import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type SeededErrors, seedErrors } from '@tandem/api/bench/seed-errors.js';
import { createApiKey } from '@tandem/api/src/auth/api-keys.js';
import { createStore, saveTableMapping } from '@tandem/sync-core';
import Database from 'libsql';

export interface ErrorsStore {
  /** The store file, `<dataDir>/tandem.sqlite` as `tandem start` names it. */
  path: string;
  /** An OPERATOR key: the role a person triaging errors has (the table then has its selection column). */
  key: string;
  seeded: SeededErrors;
  seedMs: number;
}

/**
 * A migrated store in `dataDir` with two mappings, an API key and `total` errors, seeded by the API
 * benchmark's own set-based INSERT … SELECT (apps/api/bench/seed-errors.ts), so both benchmarks read the
 * same data: 95 % on one mapping, mostly WRITE_FAILED, 6 % UPDATE_CONFLICT, 2 % resolved.
 */
export async function prepareErrorsStore(dataDir: string, total: number): Promise<ErrorsStore> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'tandem.sqlite');
  const store = await createStore({ url: `sqlite:${path}` });
  let key: string;
  let mappingIds: [number, number];
  try {
    const mapping = (name: string) =>
      saveTableMapping(store.em(), {
        name,
        local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
        integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
        fields: [{ local: 'name', integration: 'name' }],
      });
    mappingIds = [await mapping('customers'), await mapping('items')];
    ({ key } = await createApiKey(store.em(), 'bench', 'OPERATOR'));
  } finally {
    await store.close();
  }
  const started = performance.now();
  const seeded = seedErrors(path, mappingIds, total);
  return { path, key, seeded, seedMs: performance.now() - started };
}

/**
 * One committed write from another connection, as a job's would be: the API's count cache (keyed on
 * SQLite's `data_version`) is then empty, and the next totalCount is counted again.
 */
export function touchStore(path: string): void {
  const db = new Database(path);
  db.exec('create table if not exists bench_touch (at integer)');
  db.prepare('insert into bench_touch (at) values (?)').run([Date.now()]);
  db.close();
}
