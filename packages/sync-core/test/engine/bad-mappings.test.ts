import { afterEach, describe, expect, it } from 'vitest';
import { SqlConnector } from '../../src/connectors/sql/sql.connector.js';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf, errorsOf, logOf } from '../support/store-queries.js';
import { CUSTOMERS_MAPPING, createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

describe.each(DIALECTS)('mappings that do not fit their apps on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  async function seed() {
    await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
      'Ada',
      'ada@example.com',
      'Oslo',
      fx.stamp('erp'),
    ]);
  }

  async function expectNothingWritten() {
    expect(await fx.crm.all('select * from account')).toEqual([]);
    expect(await couplingsOf(fx.store, fx.mappingId)).toEqual([]);
    expect(await errorsOf(fx.store, fx.mappingId)).toEqual([]);
    expect(await logOf(fx.store, fx.mappingId)).toEqual([]);
  }

  it('a field naming a missing column fails the job with the mapping and the field, writing nothing', async () => {
    fx = await createSyncFixture(dialect, {
      fields: [...CUSTOMERS_MAPPING.fields, { local: 'phone', integration: 'telephone1' }],
    });
    await seed();
    const outcome = await fx.sync();
    expect(outcome.status).toBe('FAILED');
    expect(outcome.message).toBe(
      'mapping "customers", field "phone": field "phone" does not exist in local table "customer"',
    );
    await expectNothingWritten();
  });

  it('a missing table fails the job naming the table and connector', async () => {
    fx = await createSyncFixture(dialect, {
      integration: { ...CUSTOMERS_MAPPING.integration, table: 'accounts_typo' },
    });
    await seed();
    const outcome = await fx.sync();
    expect(outcome.status).toBe('FAILED');
    expect(outcome.message).toBe('mapping "customers": table "accounts_typo" does not exist in connector "crm"');
    await expectNothingWritten();
  });

  it('a connector that is not configured fails the job with its name', async () => {
    fx = await createSyncFixture(dialect, { integration: { ...CUSTOMERS_MAPPING.integration, connector: 'crm2' } });
    await seed();
    const outcome = await fx.sync();
    expect(outcome).toMatchObject({
      status: 'FAILED',
      message: 'mapping "customers": connector "crm2" is not configured',
    });
    await expectNothingWritten();
  });

  it('an unreachable app ends the job FAILED with a clear message after its retries, and nothing is lost', async () => {
    fx = await createSyncFixture(dialect, {}, { transientRetries: 2, transientBackoffMs: 10 });
    await seed();
    const real = fx.connectors.get('crm')!;
    fx.connectors.set('crm', SqlConnector.open('crm', 'postgres://postgres@127.0.0.1:1/nowhere'));
    const outcome = await fx.sync();
    expect(outcome.status).toBe('FAILED');
    expect(outcome.message).toMatch(/^connector "crm" is unavailable: .+ \(gave up after 3 attempts\)$/);
    await expectNothingWritten();
    // Once the app is back, the next run syncs everything that waited.
    await fx.connectors.get('crm')!.close();
    fx.connectors.set('crm', real);
    expect((await fx.sync()).counters).toMatchObject({ inserted: 1 });
  });
});
