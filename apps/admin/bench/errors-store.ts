import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createErrorsBenchStore, type SeededErrors, seedErrors } from '@tandem/api/bench/seed-errors.js';
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
  const { key, mappingIds } = await createErrorsBenchStore(path, 'OPERATOR');
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
