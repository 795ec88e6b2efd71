import { join } from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotData } from './data-snapshot.js';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await runJob(api, api.mappings.customers!);
}, 60_000);
afterAll(() => api.close());

function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return api.runtime.store.sql.session((sql) => sql.query<T>(text, params));
}

const FINISHED = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'];

/** Resolves with the final status of a stored job (listening first, then reading, so no end is missed). */
function finished(jobId: number): Promise<string> {
  return new Promise((resolve) => {
    const unsubscribe = api.runtime.events.subscribe((event) => {
      if (event.type !== 'syncJobChanged' || event.job.id !== jobId || !FINISHED.includes(event.job.status)) return;
      unsubscribe();
      resolve(event.job.status);
    });
    void query<{ status: string }>('select status from sync_job where id = ?', [jobId]).then((rows) => {
      if (rows[0] && FINISHED.includes(rows[0].status)) {
        unsubscribe();
        resolve(rows[0].status);
      }
    });
  });
}

const SYNCHRONIZE = `mutation($m: ID!, $side: Side, $r: [String!], $c: [ID!]) {
  synchronizeRecords(mappingId: $m, side: $side, recordIds: $r, couplingIds: $c) {
    __typename
    ... on SynchronizeRecordsResult { requested queued failures { item code } job { id trigger requestedBy } }
    ... on Error { code message } } }`;

type Result = {
  synchronizeRecords: {
    __typename: string;
    requested?: number;
    queued?: number;
    failures?: { item: string; code: string }[];
    job?: { id: string; trigger: string; requestedBy: string } | null;
    code?: string;
  };
};

describe('synchronizeRecords', () => {
  it('runs a MANUAL job scoped to the given record, which writes its change and logs it under the operator, leaving the other records untouched', async () => {
    const couplings = await query<{ id: number; local_id: string; integration_id: string }>(
      `select id, local_id, integration_id from coupling where mapping_id = ? and state = 'COUPLED' order by id limit 2`,
      [api.mappings.customers],
    );
    const [target, other] = couplings;
    // Both changed locally; only the target is asked for.
    const erp = new Database(join(api.dir, 'demo', 'erp.sqlite'));
    erp
      .prepare(`update customer set city = 'Sundsvall', modified_at = ? where id in (?, ?)`)
      .run(new Date().toISOString(), Number(target!.local_id), Number(other!.local_id));
    erp.close();
    const jobsBefore = Number((await query<{ n: unknown }>('select count(*) as n from sync_job'))[0]!.n);

    const res = await gql<Result>(api, api.keys.OPERATOR, SYNCHRONIZE, {
      m: String(api.mappings.customers),
      side: 'LOCAL',
      r: [target!.local_id, 'no-such-record'],
    });
    expect(res.body.errors).toBeUndefined();
    const result = res.body.data!.synchronizeRecords;
    expect(result).toMatchObject({
      __typename: 'SynchronizeRecordsResult',
      requested: 2,
      queued: 1,
      failures: [{ item: 'no-such-record', code: 'NOT_COUPLED' }],
      job: { trigger: 'MANUAL', requestedBy: 'test-operator' },
    });
    const [job] = await query<{ id: number; scope: string; trigger: string }>(
      'select id, scope, trigger from sync_job order by id desc limit 1',
    );
    expect(encodeGlobalID('SyncJob', Number(job!.id))).toBe(result.job!.id);
    expect(JSON.parse(job!.scope)).toEqual([Number(target!.id)]);
    expect(Number((await query<{ n: unknown }>('select count(*) as n from sync_job'))[0]!.n)).toBe(jobsBefore + 1);
    expect(FINISHED).toContain(await finished(Number(job!.id)));

    const crm = new Database(join(api.dir, 'demo', 'crm.sqlite'), { readonly: true });
    const city = (id: string) =>
      (crm.prepare('select address1_city as city from account where accountid = ?').get(id) as { city: string }).city;
    expect(city(target!.integration_id)).toBe('Sundsvall');
    expect(city(other!.integration_id)).not.toBe('Sundsvall');
    crm.close();

    const log = await gql<{
      recordSyncLog: { edges: { node: { action: string; actor: string; job: { id: string } | null } }[] };
    }>(
      api,
      api.keys.VIEWER,
      `query($m: ID!, $r: String!) { recordSyncLog(mappingId: $m, side: LOCAL, recordId: $r) {
        edges { node { action actor job { id } } } } }`,
      { m: String(api.mappings.customers), r: target!.local_id },
    );
    expect(log.body.data!.recordSyncLog.edges.map((e) => e.node)).toContainEqual({
      action: 'UPDATE',
      actor: 'test-operator',
      job: { id: result.job!.id },
    });
  });

  it('refuses bad input whole with a typed error and queues nothing', async () => {
    const before = snapshotData(api.dir);
    const m = String(api.mappings.customers);
    const tooMany = Array.from({ length: 1001 }, (_, i) => String(i + 1));
    for (const variables of [
      { m, side: 'LOCAL', r: tooMany },
      { m, c: tooMany.map((id) => encodeGlobalID('Coupling', Number(id))) },
      { m, r: ['1'] },
      { m, side: 'LOCAL', r: ['1'], c: [encodeGlobalID('Coupling', 1)] },
      { m, side: 'LOCAL' },
      { m, side: 'LOCAL', r: [] },
      { m: encodeGlobalID('TableMapping', 999), side: 'LOCAL', r: ['1'] },
      { m: encodeGlobalID('Coupling', 1), side: 'LOCAL', r: ['1'] },
    ]) {
      const res = await gql<Result>(api, api.keys.OPERATOR, SYNCHRONIZE, variables);
      expect(res.body.data?.synchronizeRecords.__typename, JSON.stringify(variables).slice(0, 100)).toMatch(
        /InvalidInputError|InvalidIdError/,
      );
    }
    const wrongEnum = await gql<Result>(api, api.keys.OPERATOR, SYNCHRONIZE, { m, side: 'BOTH', r: ['1'] });
    expect(wrongEnum.body.errors?.length).toBeGreaterThan(0);
    const viewer = await gql<Result>(api, api.keys.VIEWER, SYNCHRONIZE, { m, side: 'LOCAL', r: ['1'] });
    expect(viewer.body.data!.synchronizeRecords.__typename).toBe('ForbiddenError');
    expect(snapshotData(api.dir)).toEqual(before);
  });
});
