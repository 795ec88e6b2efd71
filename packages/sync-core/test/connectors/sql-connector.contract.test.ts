import { afterAll, beforeAll } from 'vitest';
import { SqlConnector } from '../../src/connectors/sql/index.js';
import { type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { connectorConformance } from './connector.conformance.js';
import { createCustomerSql, RawDatabase, type TableCase } from './sql-fixtures.js';

/** The SQL connector through the connector-neutral contract suite (its SQL specifics: sql-connector.conformance). */
const CASES: TableCase[] = [
  { dialect: 'sqlite', ids: 'integer', modified: 'iso-text' },
  { dialect: 'postgresql', ids: 'text', modified: 'timestamptz' },
];

for (const c of CASES) {
  let db: ScratchDatabase;
  let raw: RawDatabase;
  beforeAll(async () => {
    db = await scratchDatabase(c.dialect, 'sqlcontract');
    raw = await RawDatabase.open(c, db.url);
  });
  afterAll(async () => {
    await raw?.close();
    await db?.drop();
  });

  connectorConformance(`SQL connector on ${c.dialect}`, () => ({
    spec: { table: 'customer', idColumn: 'id', modifiedColumn: 'modified_at' },
    missingId: c.ids === 'integer' ? '999999' : '00000000-0000-4000-8000-000000000000',
    // The table's CHECK (score >= 0).
    refusedRow: { name: 'negative', score: -1 },
    reset: async () => {
      await raw.query('drop table if exists customer');
      await raw.query(createCustomerSql(c));
      return SqlConnector.open('app', db.url);
    },
    // Stamps a minute ago, one millisecond apart: in the past, so that the connector's writes come later.
    seed: (rows) => {
      const base = (Date.now() - 60_000) * 1000;
      return raw.seed(rows.map((row, i) => ({ ...row, modifiedUs: base + i * 1000 })));
    },
    stored: async () => (await raw.rows()).map(({ id, name, email, score }) => ({ id, name, email, score })),
  }));
}
