import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import {
  acquireMappingLease,
  readMappingLease,
  releaseMappingLease,
  renewMappingLease,
} from '../../src/jobs/mapping-lease.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';

describe.each(DIALECTS)('mapping lease on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'lease');
    store = await createStore({ url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('excludes a second owner until the lease runs out, then lets it take over', async () => {
    const t0 = 1_000_000;
    const take = (owner: string, now: number) =>
      acquireMappingLease(store.em(), { mappingId: 1, owner, ttlMs: 1000, jobId: 7, now });

    expect(await take('a', t0)).toBe(true);
    expect(await take('b', t0 + 10)).toBe(false);
    expect(await readMappingLease(store.em(), 1)).toEqual({
      mappingId: 1,
      owner: 'a',
      jobId: 7,
      acquiredAt: t0,
      expiresAt: t0 + 1000,
    });
    // The holder renews; the other cannot.
    expect(await renewMappingLease(store.em(), { mappingId: 1, owner: 'a', ttlMs: 1000, now: t0 + 900 })).toBe(true);
    expect(await renewMappingLease(store.em(), { mappingId: 1, owner: 'b', ttlMs: 1000, now: t0 + 900 })).toBe(false);
    expect(await take('b', t0 + 1500)).toBe(false); // still a's until t0 + 1900
    expect((await readMappingLease(store.em(), 1))?.owner).toBe('a');

    // a crashes and stops renewing: after expiry b takes it, and a can neither renew nor release it.
    expect(await take('b', t0 + 1901)).toBe(true);
    expect(await renewMappingLease(store.em(), { mappingId: 1, owner: 'a', ttlMs: 1000, now: t0 + 1902 })).toBe(false);
    expect(await releaseMappingLease(store.em(), 1, 'a')).toBe(false);
    expect((await readMappingLease(store.em(), 1))?.owner).toBe('b');

    expect(await releaseMappingLease(store.em(), 1, 'b')).toBe(true);
    expect(await readMappingLease(store.em(), 1)).toBeNull();
    expect(await take('a', t0 + 2000)).toBe(true);
  });

  it('refuses to renew an expired lease even when nobody took it', async () => {
    expect(await acquireMappingLease(store.em(), { mappingId: 2, owner: 'a', ttlMs: 100, now: 5000 })).toBe(true);
    expect(await renewMappingLease(store.em(), { mappingId: 2, owner: 'a', ttlMs: 100, now: 5101 })).toBe(false);
  });

  it('gives the lease to exactly one of many owners racing for it', async () => {
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        acquireMappingLease(store.em(), { mappingId: 3, owner: `owner-${index}`, ttlMs: 60_000, now }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await readMappingLease(store.em(), 3))?.owner).toBe(`owner-${winner}`);
  });
});
