import { join } from 'node:path';
import { SyncErrorSchema } from '@tandem/sync-core';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const total = async () => {
  const res = await gql<{ syncErrors: { totalCount: number } }>(api, api.keys.VIEWER, '{ syncErrors { totalCount } }');
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.syncErrors.totalCount;
};

describe('totalCount on SQLite (reused only while the database is unchanged)', () => {
  it('counts a write of this process and a commit of another connection at once', async () => {
    const before = await total();
    expect(await total()).toBe(before);

    const em = api.runtime.store.em();
    em.create(SyncErrorSchema, {
      mappingId: api.mappings.customers!,
      kind: 'WRITE_FAILED',
      status: 'OPEN',
      message: 'same connection',
      occurredAt: Date.now(),
    });
    await em.flush();
    expect(await total()).toBe(before + 1);

    // Another process's commit (a worker on the same file) is seen through SQLite's data_version.
    const other = new Database(join(api.dir, 'tandem.sqlite'));
    other
      .prepare(
        `insert into sync_error (mapping_id, kind, status, message, occurred_at) values (?, 'WRITE_FAILED', 'OPEN', 'other', ?)`,
      )
      .run([api.mappings.customers!, Date.now()]);
    other.close();
    expect(await total()).toBe(before + 2);
  });
});
