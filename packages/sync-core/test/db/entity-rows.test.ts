import type { EntitySchema } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ColumnCodec, entityRows } from '../../src/db/entity-rows.js';
import { createStore, type Store } from '../../src/db/orm.js';
import { ALL_ENTITIES, CouplingSchema, SyncJobSchema } from '../../src/entities/index.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';

const JSON_OBJECT: ColumnCodec<Record<string, unknown> | null> = {
  read: (value) => (value === null ? null : JSON.parse(String(value))),
  write: (value) => (value === null ? null : JSON.stringify(value)),
};

describe.each(DIALECTS)('rows derived from entity metadata on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'rows');
    store = await createStore({ url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('names every table and column as the ORM does', () => {
    for (const schema of ALL_ENTITIES) {
      const meta = store.orm.getMetadata().get(schema.meta.className);
      const rows = entityRows(schema as unknown as EntitySchema<Record<string, unknown>>);
      expect(rows.table).toBe(meta.tableName);
      expect(rows.properties).toEqual(Object.keys(meta.properties));
      for (const prop of Object.values(meta.properties)) {
        expect(rows.column[prop.name as keyof typeof rows.column], `${meta.className}.${prop.name}`).toBe(
          prop.fieldNames[0],
        );
      }
    }
  });

  it('reads back what it writes through the store’s plain SQL, in the entity’s JS types', async () => {
    const couplings = entityRows(CouplingSchema, { localValues: JSON_OBJECT, integrationValues: JSON_OBJECT });
    const coupling = {
      mappingId: 3,
      localId: 'L1',
      integrationId: null,
      state: 'PENDING' as const,
      localModifiedUs: 1_700_000_000_123_456,
      integrationModifiedUs: null,
      localValues: { name: 'Ada', credit: 5 },
      integrationValues: null,
      parked: true,
      failureCount: 2,
      lastFailure: null,
      retryRequested: false,
      lastSyncedAt: null,
      lastJobId: 9,
      createdAt: 1_700_000_000_000,
    };
    const columns = couplings.columnsOf(couplings.insertable);
    expect(couplings.insertable).not.toContain('id');
    await store.sql.transaction((sql) =>
      sql.run(
        `insert into ${couplings.table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
        couplings.valuesOf(couplings.insertable)(coupling),
      ),
    );
    const [row] = await store.sql.session((sql) => sql.query(`select * from ${couplings.table}`));
    expect(couplings.fromRow(row!)).toEqual({ id: expect.any(Number), ...coupling });
    expect(couplings.valuesOf(['id', 'parked'])({ id: 4, parked: false })).toEqual([4, false]);
  });

  it('fills in the columns a row leaves to their defaults', async () => {
    const jobs = entityRows(SyncJobSchema);
    await store.sql.transaction((sql) =>
      sql.run(`insert into ${jobs.table} (mapping_id, status, ${jobs.column.trigger}, queued_at) values (?, ?, ?, ?)`, [
        1,
        'QUEUED',
        'MANUAL',
        5,
      ]),
    );
    const [row] = await store.sql.session((sql) => sql.query(`select * from ${jobs.table}`));
    expect(jobs.fromRow(row!)).toMatchObject({
      mappingId: 1,
      status: 'QUEUED',
      full: false,
      scope: null,
      queuedAt: 5,
      startedAt: null,
      inserted: 0,
      cancelRequested: false,
    });
  });
});
