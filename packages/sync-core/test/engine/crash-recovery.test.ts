import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { couplingsOf } from '../support/store-queries.js';
import { CUSTOMERS_MAPPING, createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const CHILD = fileURLToPath(new URL('./fixtures/sync-child.ts', import.meta.url));
const RECORDS = 10_000;

/**
 * DESIGN.md rule 3: inserts are idempotent. A job is killed with SIGKILL while it inserts 10,000 records;
 * a re-run must leave every record on the other side exactly once, coupled exactly once — with an
 * external key, and without one (PENDING couplings written before the insert, reconciled by values).
 */
describe.each(DIALECTS)('a job killed in the middle of inserting, on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  for (const variant of ['with an external key', 'without an external key'] as const) {
    it(`re-runs to exactly one copy and one coupling per record, ${variant}`, async () => {
      const integration =
        variant === 'with an external key'
          ? CUSTOMERS_MAPPING.integration
          : { ...CUSTOMERS_MAPPING.integration, externalKey: undefined };
      fx = await createSyncFixture(dialect, { integration, direction: 'TO_INTEGRATION' });
      await seed(fx);

      const killedAt = await runChildAndKill(fx);
      expect(killedAt).toBeGreaterThan(0);
      expect(killedAt).toBeLessThan(RECORDS);

      const rerun = await fx.sync();
      expect({ status: rerun.status, message: rerun.message }).toEqual({ status: 'SUCCEEDED', message: null });
      const accounts = await fx.crm.all<{ accountid: string; name: string }>('select accountid, name from account');
      expect(accounts).toHaveLength(RECORDS);
      expect(new Set(accounts.map((a) => a.name)).size).toBe(RECORDS);
      const couplings = await couplingsOf(fx.store, fx.mappingId);
      expect(couplings).toHaveLength(RECORDS);
      expect(couplings.every((c) => c.state === 'COUPLED')).toBe(true);
      expect(new Set(couplings.map((c) => c.localId)).size).toBe(RECORDS);
      expect(new Set(couplings.map((c) => c.integrationId))).toEqual(new Set(accounts.map((a) => String(a.accountid))));
    });
  }
});

async function seed(fx: SyncFixture): Promise<void> {
  const stamp = fx.stamp('erp');
  const rows: unknown[] = [];
  const values: string[] = [];
  for (let i = 1; i <= RECORDS; i++) {
    values.push('(?, ?, ?, ?)');
    rows.push(`Customer ${i}`, `c${i}@example.com`, 'Oslo', stamp);
    if (values.length === 500 || i === RECORDS) {
      await fx.erp.run(`insert into customer (name, email, city, modified_at) values ${values.join(', ')}`, rows);
      values.length = 0;
      rows.length = 0;
    }
  }
}

/** Starts the job in a child, kills it with SIGKILL once some records arrived, returns how many had. */
async function runChildAndKill(fx: SyncFixture): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ ...fx.urls, mappingId: fx.mappingId, batchSize: 250 })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let count = 0;
  while (Date.now() < deadline) {
    count = Number((await fx.crm.all<{ n: number }>('select count(*) as n from account'))[0]!.n);
    if (count >= 2_000) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  await exited;
  return Number((await fx.crm.all<{ n: number }>('select count(*) as n from account'))[0]!.n);
}
