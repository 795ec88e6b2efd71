import { expect } from 'vitest';
import type { SyncFixture } from './sync-fixture.js';

/**
 * Many customers in one go, for tests that need volume: `plain` ones that sync cleanly ('Plain n') and
 * `conflicts` ones ('Conflict n') renamed on both sides after their first sync, so that the second sync
 * parks each with an UPDATE_CONFLICT. The ERP rows are inserted with one INSERT … SELECT.
 */
export async function seedBulkConflicts(fx: SyncFixture, counts: { plain: number; conflicts: number }): Promise<void> {
  await insertCustomers(fx, 'Plain', counts.plain);
  await insertCustomers(fx, 'Conflict', counts.conflicts);
  const first = await fx.sync();
  expect({ status: first.status, message: first.message }).toEqual({ status: 'SUCCEEDED', message: null });
  await fx.erp.run(`update customer set name = name || ' (ERP)', modified_at = ? where name like 'Conflict %'`, [
    fx.stamp('erp'),
  ]);
  await fx.crm.run(`update account set name = name || ' (CRM)', modifiedon = ? where name like 'Conflict %'`, [
    fx.stamp('crm'),
  ]);
  const second = await fx.sync();
  expect(second.counters.failed).toBe(counts.conflicts);
}

async function insertCustomers(fx: SyncFixture, prefix: string, count: number): Promise<void> {
  if (count === 0) return;
  const numbers =
    fx.dialect === 'sqlite'
      ? 'with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) select i from n'
      : 'select i from generate_series(1, cast(? as integer)) as g(i)';
  await fx.erp.run(
    `insert into customer (name, email, city, modified_at)
     select cast(? as text) || ' ' || cast(i as text), lower(cast(? as text)) || cast(i as text) || '@example.com',
            'Oslo', ${fx.dialect === 'sqlite' ? '?' : 'cast(? as timestamptz)'}
     from (${numbers}) as numbers`,
    [prefix, prefix, fx.stamp('erp'), count],
  );
}
