import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMappingTables } from '../../src/connectors/check-mapping-tables.js';
import { SqlConnector } from '../../src/connectors/sql/index.js';
import { InvalidConfigError } from '../../src/errors/invalid-config.error.js';
import type { TableMappingInput } from '../../src/mappings/table-mapping-input.js';
import { openAppDb } from '../support/app-db.js';
import { DIALECTS, PG_SERVER_URL, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { CUSTOMERS_MAPPING } from '../support/sync-fixture.js';

/** What `SqlConnector.open` (and then `verify`) threw, or null when it opened and answered. */
async function openError(url: string): Promise<InvalidConfigError | null> {
  let connector: SqlConnector | null = null;
  try {
    connector = SqlConnector.open('erp', url);
    await connector.verify();
    return null;
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    return error;
  } finally {
    await connector?.close();
  }
}

describe('a connector opens an existing database and never creates one', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-connector-open-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a missing SQLite file, naming the key, and creates nothing', async () => {
    const path = join(dir, 'erp.sqlite');
    const error = await openError(`sqlite:${path}`);
    expect(error?.path).toBe('connectors.erp.url');
    expect(error?.message).toBe(
      `connectors.erp.url: SQLite file "${path}" does not exist (a connector's database is never created)`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a SQLite file in a missing directory, naming the directory, and creates neither', async () => {
    const missing = join(dir, 'no', 'such');
    const error = await openError(`sqlite:${join(missing, 'erp.sqlite')}`);
    expect(error?.path).toBe('connectors.erp.url');
    expect(error?.message).toContain(`directory "${missing}" of SQLite file`);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('refuses an in-memory database and a directory in place of the file', async () => {
    expect((await openError('sqlite::memory:'))?.message).toContain('an in-memory database is always empty');
    expect((await openError(`sqlite:${dir}`))?.message).toBe(`connectors.erp.url: "${dir}" is not a SQLite file`);
  });

  it('opens an existing SQLite file', async () => {
    const path = join(dir, 'existing.sqlite');
    const app = openAppDb('sqlite', `sqlite:${path}`);
    await app.run('create table customer (id integer primary key, modified_at text)');
    await app.close();
    expect(await openError(`sqlite:${path}`)).toBeNull();
  });

  it('refuses a PostgreSQL database that does not exist and a server that is down, on verify', async () => {
    const name = `tandem_missing_${process.pid}_${Date.now()}`;
    expect((await openError(`${PG_SERVER_URL}/${name}`))?.message).toBe(
      `connectors.erp.url: cannot connect to ${PG_SERVER_URL}/${name}: database "${name}" does not exist`,
    );
    const down = await openError('postgres://postgres:secret@127.0.0.1:1/erp');
    expect(down?.path).toBe('connectors.erp.url');
    expect(down?.message).toMatch(
      /^connectors\.erp\.url: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/erp: .*ECONNREFUSED/,
    );
    expect(down?.message).not.toContain('\n');
  });
});

/** The engine tests' customers mapping: name, email (match) and city, with an external key. */
const MAPPING = CUSTOMERS_MAPPING;

describe.each(DIALECTS)('checkMappingTables on %s', (dialect) => {
  const dbs: ScratchDatabase[] = [];
  const connectors = new Map<string, SqlConnector>();

  beforeAll(async () => {
    for (const [name, table] of [
      ['erp', 'create table customer (id integer primary key, name text, email text, city text, modified_at text)'],
      [
        'crm',
        'create table account (accountid text primary key, name text, emailaddress1 text, address1_city text, erp_id text, modifiedon text)',
      ],
    ] as const) {
      const db = await scratchDatabase(dialect, `check${name}`);
      dbs.push(db);
      const app = openAppDb(dialect, db.url);
      await app.run(table);
      await app.close();
      connectors.set(name, SqlConnector.open(name, db.url));
    }
  });
  afterAll(async () => {
    for (const connector of connectors.values()) await connector.close();
    for (const db of dbs) await db.drop();
  });

  it('finds nothing wrong with a mapping that fits its tables', async () => {
    expect(await checkMappingTables(connectors, [MAPPING])).toEqual([]);
  });

  it('names every missing column with its config path, the id and modified-on columns included', async () => {
    const wrong: TableMappingInput = {
      ...MAPPING,
      local: { ...MAPPING.local, id: 'no', modifiedOn: 'changed' },
      integration: { ...MAPPING.integration, externalKey: 'erp_key' },
      fields: [...MAPPING.fields, { local: 'emial', integration: 'telephone1', enabled: false }],
      filters: {
        local: [
          { field: 'city', operator: 'EQ', value: 'Oslo' },
          { field: 'blokced', operator: 'EQ', value: false },
        ],
      },
    };
    const problems = await checkMappingTables(connectors, [MAPPING, wrong]);
    expect(problems.every((problem) => problem instanceof InvalidConfigError)).toBe(true);
    expect(problems.map((problem) => problem.message)).toEqual([
      'mappings[1].local.id: column "no" does not exist in table customer',
      'mappings[1].local.modifiedOn: column "changed" does not exist in table customer',
      'mappings[1].fields[3].local: column "emial" does not exist in table customer',
      'mappings[1].filters.local[1].field: column "blokced" does not exist in table customer',
      'mappings[1].integration.externalKey: column "erp_key" does not exist in table account',
      'mappings[1].fields[3].integration: column "telephone1" does not exist in table account',
    ]);
  });

  it('names a missing table once, and skips a side whose connector could not be opened', async () => {
    const wrong: TableMappingInput = {
      ...MAPPING,
      local: { ...MAPPING.local, connector: 'gone' },
      integration: { ...MAPPING.integration, table: 'acount' },
    };
    expect((await checkMappingTables(connectors, [wrong])).map((problem) => problem.message)).toEqual([
      'mappings[0].integration.table: table "acount" does not exist on connector crm',
    ]);
  });
});
