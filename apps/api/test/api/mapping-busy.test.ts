import { encodeGlobalID } from '@pothos/plugin-relay';
import { acquireMappingLease, releaseMappingLease } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
let mappingId: number;
let jobId: number;

beforeAll(async () => {
  api = await startTestApi();
  // The demo's items mapping has records that fail: open errors to act on.
  mappingId = api.mappings.items!;
  jobId = (await runJob(api, mappingId)).id;
  // Actions wait a fifth of a second for the mapping here, not sync-core's default few seconds.
  api.services.actionLease = { waitMs: 200 };
});
afterAll(() => api.close());

/**
 * An action on the records of a mapping whose job runs (docs/TRIAGE.md, "Actions and running jobs"): the
 * mutation answers per item MAPPING_BUSY with the running job, and coupleRecords a typed MappingBusyError.
 * The "running job" is the mapping's lease held as a job's worker holds it.
 */
describe('actions while a job of the mapping runs', () => {
  it('answers MAPPING_BUSY per item with the running job, and acts once the job has let go', async () => {
    const rows = await api.runtime.store.sql.session((sql) =>
      sql.query<{ id: unknown }>("select id from sync_error where mapping_id = ? and status = 'OPEN' order by id", [
        mappingId,
      ]),
    );
    const ids = rows.map((row) => encodeGlobalID('SyncError', Number(row.id)));
    expect(ids.length).toBeGreaterThan(0);
    const removeCouplings = () =>
      gql<{
        removeCouplings: {
          requested: number;
          succeeded: number;
          failures: { code: string; reason: string; runningJob: { id: string } | null }[];
        };
      }>(
        api,
        api.keys.OPERATOR,
        `mutation($ids: [ID!]) { removeCouplings(ids: $ids) { ... on SyncErrorActionResult {
          requested succeeded failures { code reason runningJob { id } } } } }`,
        { ids },
      );

    expect(
      await acquireMappingLease(api.runtime.store.em(), { mappingId, owner: 'other-worker', ttlMs: 60_000, jobId }),
    ).toBe(true);
    const refused = await removeCouplings();
    expect(refused.body.errors).toBeUndefined();
    expect(refused.body.data!.removeCouplings).toMatchObject({ requested: ids.length, succeeded: 0 });
    for (const failure of refused.body.data!.removeCouplings.failures) {
      expect(failure).toEqual({
        code: 'MAPPING_BUSY',
        reason: `a job of this mapping is running (job ${jobId}); try again when it ends`,
        runningJob: { id: encodeGlobalID('SyncJob', jobId) },
      });
    }

    const couple = await gql<{ coupleRecords: Record<string, unknown> }>(
      api,
      api.keys.OPERATOR,
      `mutation { coupleRecords(mappingId: "${encodeGlobalID('TableMapping', mappingId)}", localId: "1", integrationId: "x") {
        __typename ... on Error { code message } ... on MappingBusyError { runningJobId } } }`,
    );
    expect(couple.body.data!.coupleRecords).toEqual({
      __typename: 'MappingBusyError',
      code: 'MAPPING_BUSY',
      message: `a job of this mapping is running (job ${jobId}); try again when it ends`,
      runningJobId: encodeGlobalID('SyncJob', jobId),
    });

    await releaseMappingLease(api.runtime.store.em(), mappingId, 'other-worker');
    const done = await removeCouplings();
    expect(done.body.data!.removeCouplings).toMatchObject({
      requested: ids.length,
      succeeded: ids.length,
      failures: [],
    });
  });
});
