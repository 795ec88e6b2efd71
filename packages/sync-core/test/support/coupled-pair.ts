import type { SyncFixture } from './sync-fixture.js';

/** Seeds one customer, syncs it, and returns the ids of the coupled pair and helpers to edit either side. */
export async function coupledPair(fx: SyncFixture, values = { name: 'Ada', email: 'ada@example.com', city: 'Oslo' }) {
  await fx.erp.run('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)', [
    values.name,
    values.email,
    values.city,
    fx.stamp('erp'),
  ]);
  const outcome = await fx.sync();
  if (outcome.counters.inserted !== 1) throw new Error(`seeding failed: ${JSON.stringify(outcome)}`);
  const [customer] = await fx.erp.all<{ id: number }>('select id from customer');
  const [account] = await fx.crm.all<{ accountid: string }>('select accountid from account');
  const localId = customer!.id;
  const integrationId = account!.accountid;
  return {
    localId,
    integrationId,
    editLocal: (column: string, value: unknown) =>
      fx.erp.run(`update customer set ${column} = ?, modified_at = ? where id = ?`, [value, fx.stamp('erp'), localId]),
    editIntegration: (column: string, value: unknown) =>
      fx.crm.run(`update account set ${column} = ?, modifiedon = ? where accountid = ?`, [
        value,
        fx.stamp('crm'),
        integrationId,
      ]),
    local: async () => (await fx.erp.all('select * from customer where id = ?', [localId]))[0],
    integration: async () => (await fx.crm.all('select * from account where accountid = ?', [integrationId]))[0],
  };
}
