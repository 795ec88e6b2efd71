import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoActivitySimulator } from '../../src/demo/activity-simulator.js';
import { snapshotData } from './data-snapshot.js';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;

/** The demo's own activity (seeded): conflicts, a deleted record and writes the ERP rejects, as in demo.test.ts. */
beforeAll(async () => {
  api = await startTestApi();
  await runJob(api, api.mappings.customers!);
  await runJob(api, api.mappings.items!);
  const simulator = new DemoActivitySimulator(api.dir, 1000, () => 0.42);
  for (let i = 0; i < 14; i++) simulator.step();
  simulator.stop();
  await runJob(api, api.mappings.customers!);
  await runJob(api, api.mappings.items!);
}, 60_000);
afterAll(() => api.close());

type ErrorRow = { id: number; kind: string; state: string | null };

function openErrors(): Promise<ErrorRow[]> {
  return api.runtime.store.sql.session((sql) =>
    sql.query<ErrorRow>(
      `select e.id as id, e.kind as kind, c.state as state from sync_error e
         left join coupling c on c.id = e.coupling_id where e.status = 'OPEN' order by e.id`,
    ),
  );
}

const APPLICABLE = `{ syncErrors(filter: { statuses: [OPEN] }, first: 200) {
  edges { node { id kind actions applicableActions } } } }`;

type ApplicablePage = {
  syncErrors: { edges: { node: { id: string; kind: string; actions: string[]; applicableActions: string[] } }[] };
};

describe('SyncError.applicableActions', () => {
  it('offers per error what its action accepts: no Synchronize for a record never created, Restore/Delete for a deletion, Synchronize for a conflict', async () => {
    const rows = await openErrors();
    const byKind = (kind: string) => rows.filter((row) => row.kind === kind);
    const neverCreated = byKind('WRITE_FAILED').filter((row) => row.state === 'PENDING');
    expect(neverCreated.length).toBeGreaterThan(0);
    expect(byKind('UPDATE_CONFLICT').length).toBeGreaterThan(0);
    expect(byKind('INTEGRATION_RECORD_DELETED').length).toBeGreaterThan(0);

    const ids = rows.map((row) => encodeGlobalID('SyncError', row.id));
    const res = await gql<ApplicablePage>(api, api.keys.VIEWER, APPLICABLE);
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.syncErrors.edges.map((edge) => edge.node);
    expect(nodes.map((n) => n.id).sort()).toEqual([...ids].sort());
    const stateOf = new Map(rows.map((row) => [encodeGlobalID('SyncError', row.id), row.state]));
    for (const node of nodes) {
      if (node.kind === 'WRITE_FAILED' && stateOf.get(node.id) === 'PENDING') {
        expect(node.applicableActions, node.id).toEqual(['REMOVE_COUPLING', 'RETRY']);
        // `actions` goes by kind only and still lists it: the console should read applicableActions.
        expect(node.actions).toContain('SYNCHRONIZE');
      } else if (node.kind === 'UPDATE_CONFLICT') {
        expect(node.applicableActions, node.id).toEqual(['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE']);
      } else if (node.kind.endsWith('_RECORD_DELETED')) {
        expect(node.applicableActions, node.id).toEqual(['REMOVE_COUPLING', 'RESTORE_RECORDS', 'DELETE_RECORDS']);
      }
    }
  });

  it('is the rule synchronize enforces: synchronizing a record never created is refused, and nothing changes', async () => {
    const [pending] = (await openErrors()).filter((row) => row.kind === 'WRITE_FAILED' && row.state === 'PENDING');
    const before = snapshotData(api.dir);
    const res = await gql<{
      synchronizeSyncErrors: { succeeded: number; failures: { code: string }[] };
    }>(
      api,
      api.keys.OPERATOR,
      'mutation($ids: [ID!]) { synchronizeSyncErrors(ids: $ids, winner: LOCAL) { ... on SyncErrorActionResult { succeeded failures { code } } } }',
      { ids: [encodeGlobalID('SyncError', pending!.id)] },
    );
    expect(res.body.data!.synchronizeSyncErrors).toEqual({
      succeeded: 0,
      failures: [{ code: 'ACTION_NOT_APPLICABLE' }],
    });
    expect(snapshotData(api.dir)).toEqual(before);
  });
});

const COUNTS = `query($ids: [ID!], $filter: SyncErrorFilter) { syncErrorActionCounts(ids: $ids, filter: $filter) {
  __typename ... on SyncErrorActionCounts { total counts { action count } } ... on Error { code message } } }`;

type Counts = {
  syncErrorActionCounts: {
    __typename: string;
    total?: number;
    counts?: { action: string; count: number }[];
    code?: string;
  };
};

describe('syncErrorActionCounts', () => {
  it('counts, for a conflict and a deletion selected together, 1 of 2 for Restore and 2 of 2 for Remove coupling', async () => {
    const rows = await openErrors();
    const conflict = rows.find((row) => row.kind === 'UPDATE_CONFLICT')!;
    const deletion = rows.find((row) => row.kind === 'INTEGRATION_RECORD_DELETED')!;
    const res = await gql<Counts>(api, api.keys.VIEWER, COUNTS, {
      ids: [encodeGlobalID('SyncError', conflict.id), encodeGlobalID('SyncError', deletion.id)],
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.syncErrorActionCounts).toEqual({
      __typename: 'SyncErrorActionCounts',
      total: 2,
      counts: [
        { action: 'REMOVE_COUPLING', count: 2 },
        { action: 'RETRY', count: 1 },
        { action: 'SYNCHRONIZE', count: 1 },
        { action: 'RESTORE_RECORDS', count: 1 },
        { action: 'DELETE_RECORDS', count: 1 },
      ],
    });
  });

  it('counts a filter by the same per-error rule: Synchronize leaves out the records never created', async () => {
    const rows = await openErrors();
    const writeFailures = rows.filter((row) => row.kind === 'WRITE_FAILED');
    const res = await gql<Counts>(api, api.keys.VIEWER, COUNTS, { filter: { kinds: ['WRITE_FAILED'] } });
    const counts = Object.fromEntries(res.body.data!.syncErrorActionCounts.counts!.map((c) => [c.action, c.count]));
    expect(res.body.data!.syncErrorActionCounts.total).toBe(writeFailures.length);
    expect(counts).toEqual({
      REMOVE_COUPLING: writeFailures.length,
      RETRY: writeFailures.length,
      SYNCHRONIZE: writeFailures.filter((row) => row.state === 'COUPLED').length,
      RESTORE_RECORDS: 0,
      DELETE_RECORDS: 0,
    });
  });

  it('refuses both ids and filter, neither, a wrong id or more than 1,000 ids with a typed error', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => encodeGlobalID('SyncError', i + 1));
    for (const variables of [
      { ids: [encodeGlobalID('SyncError', 1)], filter: {} },
      {},
      { ids: [encodeGlobalID('Coupling', 1)] },
      { ids: tooMany },
    ]) {
      const res = await gql<Counts>(api, api.keys.VIEWER, COUNTS, variables);
      expect(res.body.data!.syncErrorActionCounts.__typename, JSON.stringify(variables).slice(0, 80)).toMatch(
        /InvalidInputError|InvalidIdError/,
      );
    }
  });
});

type LogPage = {
  recordSyncLog: {
    totalCount: number;
    edges: { node: { action: string; actor: string; coupling: { id: string } | null } }[];
  };
};

describe('a record’s history after Delete records', () => {
  it('opens by the record’s identity with every entry, the DELETE by the operator among them, though its coupling is gone', async () => {
    const [deletion] = await api.runtime.store.sql.session((sql) =>
      sql.query<{ id: number; mapping_id: number; local_id: string; coupling_id: number }>(
        `select id, mapping_id, local_id, coupling_id from sync_error
          where status = 'OPEN' and kind = 'INTEGRATION_RECORD_DELETED' order by id limit 1`,
      ),
    );
    const deleted = await gql<{ deleteRecords: { succeeded: number } }>(
      api,
      api.keys.OPERATOR,
      'mutation($ids: [ID!]) { deleteRecords(ids: $ids) { ... on SyncErrorActionResult { succeeded } } }',
      { ids: [encodeGlobalID('SyncError', deletion!.id)] },
    );
    expect(deleted.body.data!.deleteRecords.succeeded).toBe(1);
    const stored = await api.runtime.store.sql.session((sql) =>
      sql.query<{ n: unknown }>(`select count(*) as n from sync_log_entry where mapping_id = ? and local_id = ?`, [
        deletion!.mapping_id,
        deletion!.local_id,
      ]),
    );
    const res = await gql<LogPage>(
      api,
      api.keys.VIEWER,
      `query($m: ID!, $r: String!) { recordSyncLog(mappingId: $m, side: LOCAL, recordId: $r, first: 200) {
        totalCount edges { node { action actor coupling { id } } } } }`,
      { m: String(deletion!.mapping_id), r: deletion!.local_id },
    );
    expect(res.body.errors).toBeUndefined();
    const log = res.body.data!.recordSyncLog;
    expect(log.totalCount).toBe(Number(stored[0]!.n));
    expect(log.edges.length).toBe(log.totalCount);
    expect(log.edges.map((edge) => edge.node)).toContainEqual({
      action: 'DELETE',
      actor: 'test-operator',
      coupling: null,
    });
  });
});

describe('SyncErrorRecords.retryWouldRepeat', () => {
  it('says a retry would meet the same conflict exactly while a field is changed on both sides, and judges no other kind', async () => {
    const res = await gql<{
      syncErrors: {
        edges: {
          node: {
            kind: string;
            records: {
              retryWouldRepeat: boolean | null;
              fields: { changedLocally: boolean | null; changedInIntegration: boolean | null }[];
            } | null;
          };
        }[];
      };
    }>(
      api,
      api.keys.VIEWER,
      `{ syncErrors(filter: { statuses: [OPEN] }, first: 50) { edges { node { kind
        records { retryWouldRepeat fields { changedLocally changedInIntegration } } } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.syncErrors.edges.map((edge) => edge.node);
    const conflicts = nodes.filter((node) => node.kind === 'UPDATE_CONFLICT');
    expect(conflicts.length).toBeGreaterThan(0);
    for (const node of nodes) {
      if (node.kind !== 'UPDATE_CONFLICT') {
        expect(node.records!.retryWouldRepeat).toBeNull();
        continue;
      }
      const bothChanged = node.records!.fields.some(
        (f) => f.changedLocally === true && f.changedInIntegration === true,
      );
      expect(node.records!.retryWouldRepeat).toBe(bothChanged);
    }
    // The demo's conflicts are live: both sides still differ, so a retry would repeat them.
    expect(conflicts.some((node) => node.records!.retryWouldRepeat === true)).toBe(true);
  });
});
