import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SeededErrors, seedErrors } from '@tandem/sync-core/bench-errors-seed';
import Database from 'libsql';
import { runTandem } from './tandem-cli.js';

export interface ErrorsStore {
  /** The store file, `<dataDir>/tandem.sqlite` as `tandem start` names it. */
  path: string;
  /** An OPERATOR key: the role a person triaging errors has (the table then has its selection column). */
  key: string;
  seeded: SeededErrors;
  seedMs: number;
}

/** The two mappings the errors are spread over, as the API's errors benchmark has them (apps/api/bench/seed-errors.ts). */
const MAPPING_NAMES = ['customers', 'items'] as const;

/**
 * A migrated store in `dataDir` with two mappings, an API key and `total` errors, made as a user would
 * make it, through the `tandem` CLI: `keys create` migrates the store and prints the key, and `errors list`
 * opens the runtime, which writes the config's mappings into the store (without running a job, so the two
 * apps it names need not have the tables). The errors themselves are the shared bench fixture's
 * set-based INSERT … SELECT, the same data the API's errors benchmark reads: 95 % on one mapping, mostly
 * WRITE_FAILED, 6 % UPDATE_CONFLICT, 2 % resolved.
 */
export async function prepareErrorsStore(dataDir: string, total: number): Promise<ErrorsStore> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'tandem.sqlite');
  const config = writeSeedConfig(dataDir, path);
  const created = await runTandem(dataDir, [
    'keys',
    'create',
    '--role',
    'OPERATOR',
    '--name',
    'bench',
    '--config',
    config,
  ]);
  const key = /API key: (\S+)/.exec(created)?.[1];
  if (!key) throw new Error(`tandem keys create printed no key:\n${created}`);
  await runTandem(dataDir, ['errors', 'list', '--limit', '1', '--config', config]);
  const mappingIds = storedMappingIds(path);
  const started = performance.now();
  const seeded = seedErrors(path, mappingIds, total);
  return { path, key, seeded, seedMs: performance.now() - started };
}

/**
 * A config with the store at `storePath` and the two mappings, never scheduled (`scheduleSeconds: 0`, so
 * that no job runs while the page is measured). The connectors must open, so their SQLite files are
 * created, empty: nothing reads them.
 */
function writeSeedConfig(dataDir: string, storePath: string): string {
  const app = (name: string) => {
    const file = join(dataDir, `${name}.sqlite`);
    new Database(file).close();
    return { type: 'sql', url: `sqlite:${file}` };
  };
  const mappings = MAPPING_NAMES.map((name) => ({
    name,
    local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
    integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
    scheduleSeconds: 0,
    fields: [{ local: 'name', integration: 'name' }],
  }));
  const config = join(dataDir, 'tandem.seed.json');
  writeFileSync(
    config,
    JSON.stringify({
      database: { url: `sqlite:${storePath}` },
      connectors: { erp: app('erp'), crm: app('crm') },
      mappings,
    }),
  );
  return config;
}

/** The ids the store gave the two mappings, in MAPPING_NAMES' order. */
function storedMappingIds(storePath: string): [number, number] {
  const db = new Database(storePath);
  try {
    const rows = db.prepare('select id, name from table_mapping').all() as { id: number; name: string }[];
    const idOf = (name: string) => {
      const row = rows.find((candidate) => candidate.name === name);
      if (!row) throw new Error(`the store has no mapping "${name}" after tandem errors list`);
      return Number(row.id);
    };
    return [idOf(MAPPING_NAMES[0]), idOf(MAPPING_NAMES[1])];
  } finally {
    db.close();
  }
}

/**
 * One committed write from another connection, as a job's would be: the API's count cache (keyed on
 * SQLite's `data_version`) is then empty, and the next totalCount is counted again.
 */
export function touchStore(path: string): void {
  const db = new Database(path);
  // Waits for the server's own writes (a key's last use, a WAL checkpoint) instead of failing SQLITE_BUSY at
  // once, which a loaded machine made happen mid-run.
  db.exec('pragma busy_timeout = 10000');
  db.exec('create table if not exists bench_touch (at integer)');
  db.prepare('insert into bench_touch (at) values (?)').run([Date.now()]);
  db.close();
}
