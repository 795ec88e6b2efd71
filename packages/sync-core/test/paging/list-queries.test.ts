import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/db/orm.js';
import { CouplingSchema, SyncJobSchema } from '../../src/entities/index.js';
import { InvalidInputError } from '../../src/errors/index.js';
import { encodeCursor } from '../../src/paging/keyset-page.js';
import { listCouplings } from '../../src/repositories/coupling.queries.js';
import { listSyncJobs } from '../../src/repositories/sync-job.queries.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';

describe.each(DIALECTS)('list queries on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'lists');
    store = await createStore({ url: db.url });
    const em = store.em();
    // Two jobs share a queued time: the id breaks the tie.
    for (const [mappingId, status, queuedAt] of [
      [1, 'SUCCEEDED', 100],
      [2, 'FAILED', 200],
      [1, 'QUEUED', 300],
      [1, 'FAILED', 300],
      [2, 'SUCCEEDED', 400],
    ] as const) {
      em.create(SyncJobSchema, { mappingId, status, trigger: 'MANUAL', queuedAt });
    }
    for (const parked of [false, true, false]) {
      em.create(CouplingSchema, { mappingId: 1, localId: `L${Math.random()}`, parked, createdAt: 1 });
    }
    await em.flush();
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('pages newest first, the id breaking ties, and resumes after a cursor', async () => {
    const em = store.em();
    const first = await listSyncJobs(em, { first: 3 });
    const key = (page: typeof first) => page.edges.map((edge) => [edge.node.queuedAt, edge.node.id]);
    expect(key(first).map(([at]) => at)).toEqual([400, 300, 300]);
    expect(first.edges[1]!.node.id).toBeGreaterThan(first.edges[2]!.node.id);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await listSyncJobs(em, { first: 3, after: first.pageInfo.endCursor });
    expect(key(next).map(([at]) => at)).toEqual([200, 100]);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // The cursor is the list's name and the row's sort key: what clients already hold keeps working.
    expect(first.pageInfo.endCursor).toBe(encodeCursor('jobs', key(first)[2]!));
    expect(await first.totalCount()).toBe(5);
  });

  it('narrows by mapping and status, in the page and the count alike', async () => {
    const page = await listSyncJobs(store.em(), { mappingId: 1, statuses: ['FAILED', 'QUEUED'] });
    expect(page.edges.map((edge) => [edge.node.mappingId, edge.node.status])).toEqual([
      [1, 'FAILED'],
      [1, 'QUEUED'],
    ]);
    expect(await page.totalCount()).toBe(2);
    const parked = await listCouplings(store.em(), { parked: true });
    expect(parked.edges.map((edge) => edge.node.parked)).toEqual([true]);
    expect(await (await listCouplings(store.em(), { parked: false })).totalCount()).toBe(2);
  });

  it('refuses a page size out of range and a cursor of another list, naming the argument', async () => {
    const refused = (list: Promise<unknown>) =>
      list.then(
        () => null,
        (error: InvalidInputError) => error,
      );
    const tooLarge = await refused(listSyncJobs(store.em(), { first: 201 }));
    expect(tooLarge).toBeInstanceOf(InvalidInputError);
    expect(tooLarge).toMatchObject({ field: 'first', reason: 'must be between 0 and 200' });
    const foreign = await refused(listSyncJobs(store.em(), { after: encodeCursor('couplings', [1]) }));
    expect(foreign).toMatchObject({ field: 'after', reason: 'is not a cursor of this list' });
    const empty = await listSyncJobs(store.em(), { first: 0 });
    expect(empty.edges).toEqual([]);
    expect(await empty.totalCount()).toBe(5);
  });
});
