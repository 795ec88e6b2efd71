import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlConnector } from '@tandem/sync-core';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tandem } from './cli-process.js';

/** CI and developer machines run PostgreSQL here with trust auth (as sync-core's tests do). */
const PG_SERVER_URL = process.env.TANDEM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Runs one statement on the server's `postgres` database (create and drop a test's own database). */
async function pgAdmin(sql: string): Promise<void> {
  const admin = SqlConnector.open('admin', `${PG_SERVER_URL}/postgres`);
  try {
    await admin.client.run(sql);
  } finally {
    await admin.close();
  }
}

/** A folder holding only `tandem.config.yaml` with these connectors and mappings (YAML flow text). */
function configDir(connectors: string, mappings = '[]'): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-check-'));
  writeFileSync(
    join(dir, 'tandem.config.yaml'),
    `database: { url: "sqlite:${join(dir, 'data', 'tandem.sqlite')}" }\nconnectors:\n${connectors}\nmappings: ${mappings}\n`,
  );
  return dir;
}

function expectOneLineNamingUrl(stderr: string, connector: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: connectors\\.${connector}\\.url: `));
}

describe('tandem start with a connector whose database is missing or unreachable', () => {
  it('a missing SQLite file: exit 2, one line naming connectors.erp.url, no file created', async () => {
    const dir = configDir(`  erp: { type: sql, url: "sqlite:./erp.sqlite" }`);
    const result = await tandem(dir, ['start']);
    expect(result.code).toBe(2);
    expectOneLineNamingUrl(result.stderr, 'erp');
    expect(result.stderr).toContain('SQLite file "./erp.sqlite" does not exist');
    // Neither the app's file nor the store: the connectors are checked before anything is created.
    expect(readdirSync(dir)).toEqual(['tandem.config.yaml']);
  });

  it('a missing directory: exit 2, one line naming the directory, nothing created', async () => {
    const dir = configDir(`  erp: { type: sql, url: "sqlite:./apps/erp.sqlite" }`);
    const result = await tandem(dir, ['start']);
    expect(result.code).toBe(2);
    expectOneLineNamingUrl(result.stderr, 'erp');
    expect(result.stderr).toContain(`directory "${join(dir, 'apps')}" of SQLite file "./apps/erp.sqlite"`);
    expect(readdirSync(dir)).toEqual(['tandem.config.yaml']);
  });

  it('a PostgreSQL database that does not exist: exit 2, one line naming connectors.crm.url', async () => {
    const name = `tandem_absent_${process.pid}_${Date.now()}`;
    const dir = configDir(`  crm: { type: sql, url: "${PG_SERVER_URL}/${name}" }`);
    const result = await tandem(dir, ['start']);
    expect(result.code).toBe(2);
    expectOneLineNamingUrl(result.stderr, 'crm');
    expect(result.stderr).toContain(`database "${name}" does not exist`);
    expect(readdirSync(dir)).toEqual(['tandem.config.yaml']);
  });
});

describe('tandem check-config opens the connectors and checks the mapped tables and columns', () => {
  const database = `tandem_check_${process.pid}_${Date.now()}`;
  let appsDir: string;

  /** customers: ERP (SQLite) customer ↔ CRM (PostgreSQL) account; `typos` spoil it in the given places. */
  function mappings(typos: { table?: string; column?: string } = {}): string {
    return `
  - name: customers
    local: { connector: erp, table: customer, id: id, modifiedOn: modified_at }
    integration: { connector: crm, table: ${typos.table ?? 'account'}, id: accountid, modifiedOn: modifiedon, externalKey: erp_id }
    fields: [ { local: name, integration: name }, { local: ${typos.column ?? 'email'}, integration: emailaddress1 } ]`;
  }

  function connectors(): string {
    return [
      `  erp: { type: sql, url: "sqlite:${join(appsDir, 'erp.sqlite')}" }`,
      `  crm: { type: sql, url: "${PG_SERVER_URL}/${database}" }`,
    ].join('\n');
  }

  beforeAll(async () => {
    appsDir = mkdtempSync(join(tmpdir(), 'tandem-check-apps-'));
    const erp = new Database(join(appsDir, 'erp.sqlite'));
    erp.exec('create table customer (id integer primary key, name text, email text, modified_at text not null)');
    erp.close();
    await pgAdmin(`create database "${database}"`);
    const crm = SqlConnector.open('crm', `${PG_SERVER_URL}/${database}`);
    try {
      await crm.client.run(`create table account (accountid text primary key, name text, emailaddress1 text,
        erp_id text, modifiedon timestamptz not null)`);
    } finally {
      await crm.close();
    }
  });
  afterAll(async () => {
    await pgAdmin(`drop database if exists "${database}" with (force)`);
  });

  it('passes a config whose apps have every mapped table and column', async () => {
    const result = await tandem(configDir(connectors(), mappings()), ['check-config']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^config OK: 1 mappings, 2 connectors; every connector answered/);
  });

  it('reports a wrong table and a wrong column with their config paths, and exits 2', async () => {
    const spoilt = `${mappings({ table: 'acount' })}${mappings({ column: 'emial' }).replace('customers', 'others')}`;
    const result = await tandem(configDir(connectors(), spoilt), ['check-config']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'error: mappings[0].integration.table: table "acount" does not exist on connector crm',
      'error: mappings[1].fields[1].local: column "emial" does not exist in table customer',
      'config has 2 problems',
    ]);
  });

  it('reports every connector that is missing or unreachable, with the mappings on the others checked', async () => {
    const dir = configDir(
      `${connectors()}\n  gone: { type: sql, url: "sqlite:./gone.sqlite" }\n  down: { type: sql, url: "postgres://postgres@127.0.0.1:1/down" }`,
      mappings({ column: 'emial' }),
    );
    const result = await tandem(dir, ['check-config']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: connectors\.gone\.url: SQLite file "\.\/gone\.sqlite" does not exist/);
    expect(lines[1]).toMatch(
      /^error: connectors\.down\.url: cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/down: /,
    );
    expect(lines.slice(2)).toEqual([
      'error: mappings[0].fields[1].local: column "emial" does not exist in table customer',
      'config has 3 problems',
    ]);
    expect(existsSync(join(dir, 'gone.sqlite'))).toBe(false);
  });

  it('--offline validates the file only: no connector is opened, nothing is created', async () => {
    const dir = configDir(
      `  erp: { type: sql, url: "sqlite:./missing/erp.sqlite" }\n  crm: { type: sql, url: "postgres://postgres@127.0.0.1:1/down" }`,
      mappings({ table: 'acount' }),
    );
    const result = await tandem(dir, ['check-config', '--offline']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('config OK: 1 mappings, 2 connectors (offline: connectors not checked)');
    expect(readdirSync(dir)).toEqual(['tandem.config.yaml']);
  });

  it('still names the key of a mistake in the file itself, offline or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-check-'));
    writeFileSync(join(dir, 'tandem.config.yaml'), 'connectors: {}\nmapings: []\n');
    for (const args of [['check-config'], ['check-config', '--offline']]) {
      const result = await tandem(dir, args);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe('error: mapings: is not a known setting');
    }
  });
});
