import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../src/db/orm.js';
import { FieldMappingSchema, TableMappingSchema } from '../src/entities/index.js';
import { MappingDefinitionError } from '../src/errors/index.js';
import { loadResolvedMapping, saveTableMapping } from '../src/mappings/table-mapping.repository.js';
import { MIGRATIONS } from '../src/migrations/index.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from './support/databases.js';

const customers = {
  name: 'customers',
  local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
  integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon', externalKey: 'erp_id' },
  fields: [
    { local: 'name', integration: 'name' },
    { local: 'email', integration: 'emailaddress1', match: true },
    { local: 'city', integration: 'address1_city', direction: 'TO_INTEGRATION' as const },
  ],
};

describe.each(DIALECTS)('store on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });

  it('migrates an empty database and records the migration once', async () => {
    db = await scratchDatabase(dialect, 'store');
    store = await createStore({ url: db.url });
    const executed = await store.orm.getMigrator().getExecutedMigrations();
    expect(executed.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    if (dialect === 'postgresql') {
      // Room on each coupling page for the row versions a job's sync-state updates write (HOT updates).
      const [coupling] = await store
        .em()
        .getConnection()
        .execute("select reloptions from pg_class where relname = 'coupling'");
      expect(coupling?.reloptions).toEqual(['fillfactor=80']);
    }
    await store.close();
    // A second start finds nothing to do and keeps the data.
    store = await createStore({ url: db.url });
    expect(await store.orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('saves a mapping, replaces it by name, and resolves field directions', async () => {
    db = await scratchDatabase(dialect, 'store');
    store = await createStore({ url: db.url });
    const id = await saveTableMapping(store.em(), customers);
    const again = await saveTableMapping(store.em(), { ...customers, scheduleSeconds: 30 });
    expect(again).toBe(id);
    expect(await store.em().count(TableMappingSchema, {})).toBe(1);
    const resolved = await loadResolvedMapping(store.em(), id);
    expect(resolved?.scheduleSeconds).toBe(30);
    expect(resolved?.fields.map((f) => [f.localField, f.direction, f.useForMatch])).toEqual([
      ['name', 'BIDIRECTIONAL', false],
      ['email', 'BIDIRECTIONAL', true],
      ['city', 'TO_INTEGRATION', false],
    ]);
  });

  it('keeps the field rows when a save leaves the fields as they were, and replaces them when they change', async () => {
    db = await scratchDatabase(dialect, 'store');
    store = await createStore({ url: db.url });
    const id = await saveTableMapping(store.em(), customers);
    const fieldRows = async () =>
      (await store.em().find(FieldMappingSchema, { mappingId: id }, { orderBy: { position: 'asc' } })).map((f) => [
        f.id,
        f.localField,
        f.direction,
      ]);
    const first = await fieldRows();
    await saveTableMapping(store.em(), { ...customers, updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION' });
    expect(await fieldRows()).toEqual(first);

    await saveTableMapping(store.em(), { ...customers, fields: customers.fields.slice(0, 2) });
    const replaced = await fieldRows();
    expect(replaced.map(([, field]) => field)).toEqual(['name', 'email']);
    expect(replaced.map(([rowId]) => rowId)).not.toEqual(first.slice(0, 2).map(([rowId]) => rowId));
  });

  it('refuses a field direction the mapping cannot take, naming mapping and field, and stores nothing', async () => {
    db = await scratchDatabase(dialect, 'store');
    store = await createStore({ url: db.url });
    const bad = {
      ...customers,
      direction: 'TO_INTEGRATION' as const,
      fields: [{ local: 'city', integration: 'address1_city', direction: 'FROM_INTEGRATION' as const }],
    };
    await expect(saveTableMapping(store.em(), bad)).rejects.toThrow(MappingDefinitionError);
    await expect(saveTableMapping(store.em(), bad)).rejects.toThrow(
      'mapping "customers", field "city ↔ address1_city": direction FROM_INTEGRATION is not possible in a TO_INTEGRATION mapping',
    );
    expect(await store.em().count(TableMappingSchema, {})).toBe(0);
  });
});
