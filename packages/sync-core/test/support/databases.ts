import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The two databases every behaviour suite runs on. */
export const DIALECTS = ['sqlite', 'postgresql'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Server used for PostgreSQL tests; CI and developer machines run one on 127.0.0.1:5432 with trust auth. */
export const PG_SERVER_URL = process.env.TANDEM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new empty database for one test (file): a temporary SQLite file, or a freshly created PostgreSQL
 * database with a unique name. `drop()` removes it.
 */
export async function scratchDatabase(dialect: Dialect, label: string): Promise<ScratchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `tandem-${label}-`));
    return {
      url: `sqlite:${join(dir, `${label}.sqlite`)}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `tandem_${label}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`.toLowerCase();
  await adminQuery(`create database "${name}"`);
  return {
    url: `${PG_SERVER_URL}/${name}`,
    drop: async () => adminQuery(`drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER_URL}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
