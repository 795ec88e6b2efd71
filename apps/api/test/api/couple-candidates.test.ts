import { join } from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Connector, TableConnector, TableSpec } from '@tandem/sync-core';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/yoga.js';
import { snapshotData } from './data-snapshot.js';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

/**
 * "Couple…" over the API: coupleCandidates finds the records of the other app a record could be coupled to
 * (by the mapping's match fields, or a typed search), marks the ones coupled already, refuses bad input with
 * typed errors; the picked candidate coupled with coupleRecords then synchronizes with the next job.
 * The demo apps are fresh (no job has run): every record is uncoupled, and CRM account crm-N carries ERP
 * customer N's e-mail in other capitals (the match field, compared without regard to case).
 */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(() => api.close());

function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return api.runtime.store.sql.session((sql) => sql.query<T>(text, params));
}

const CANDIDATES = `query($m: ID!, $side: Side!, $r: String!, $search: CandidateSearchInput, $first: Int) {
  coupleCandidates(mappingId: $m, side: $side, recordId: $r, search: $search, first: $first) {
    __typename
    ... on CoupleCandidatesResult {
      side recordId record searchedBy hasMore
      recordCoupling { localId integrationId coupling { id state } }
      fields { localField integrationField useForMatch }
      candidates { recordId values matchedFields coupled coupling { localId integrationId coupling { id } } }
    }
    ... on InvalidInputError { argument }
    ... on RecordNotFoundError { side recordId }
    ... on AppUnavailableError { side }
    ... on Error { code message } } }`;

interface Candidate {
  recordId: string;
  values: Record<string, unknown>;
  matchedFields: string[];
  coupled: boolean;
  coupling: { localId: string | null; integrationId: string | null; coupling: { id: string } | null } | null;
}
interface Result {
  coupleCandidates: {
    __typename: string;
    side?: string;
    recordId?: string;
    record?: Record<string, unknown>;
    searchedBy?: string;
    hasMore?: boolean;
    recordCoupling?: { localId: string; integrationId: string; coupling: { id: string; state: string } } | null;
    fields?: { localField: string; integrationField: string; useForMatch: boolean }[];
    candidates?: Candidate[];
    argument?: string;
    code?: string;
    message?: string;
  };
}

const customers = () => String(api.mappings.customers);

async function candidates(variables: Record<string, unknown>, yoga = api) {
  const res = await gql<Result>(yoga, api.keys.VIEWER, CANDIDATES, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.coupleCandidates;
}

describe('coupleCandidates', () => {
  it('finds the other app’s record by the match field (any case), from either side, with both records’ values', async () => {
    const result = await candidates({ m: customers(), side: 'LOCAL', r: '5' });
    expect(result).toMatchObject({
      __typename: 'CoupleCandidatesResult',
      side: 'LOCAL',
      recordId: '5',
      searchedBy: 'MATCH_FIELDS',
      hasMore: false,
      recordCoupling: null,
      record: { name: 'Customer 5', email: 'customer5@example.com' },
    });
    expect(result.fields).toContainEqual({ localField: 'email', integrationField: 'emailaddress1', useForMatch: true });
    expect(result.fields).toContainEqual({ localField: 'name', integrationField: 'name', useForMatch: false });
    expect(result.candidates).toEqual([
      {
        recordId: 'crm-5',
        values: expect.objectContaining({ name: 'Customer 5 AS', emailaddress1: 'Customer5@Example.com' }),
        // The match field, and any other field whose value is the record's (here the city).
        matchedFields: expect.arrayContaining(['emailaddress1']),
        coupled: false,
        coupling: null,
      },
    ]);

    const back = await candidates({ m: customers(), side: 'INTEGRATION', r: 'crm-6' });
    expect(back.record).toMatchObject({ emailaddress1: 'Customer6@Example.com' });
    expect(back.candidates!.map((c) => c.recordId)).toEqual(['6']);
    expect(back.candidates![0]!.values).toMatchObject({ email: 'customer6@example.com', name: 'Customer 6' });
  });

  it('searches a mapped field of the other app for typed text (contains, any case), at most `first`', async () => {
    const result = await candidates({
      m: customers(),
      side: 'LOCAL',
      r: '5',
      search: { field: 'name', value: 'customer 5' },
      first: 3,
    });
    expect(result.searchedBy).toBe('SEARCH');
    expect(result.hasMore).toBe(true);
    expect(result.candidates).toHaveLength(3);
    for (const candidate of result.candidates!) expect(String(candidate.values.name)).toMatch(/^Customer 5\d* AS$/);

    // A LIKE wildcard typed by the user is text, not a pattern.
    const literal = await candidates({ m: customers(), side: 'LOCAL', r: '5', search: { field: 'name', value: '%' } });
    expect(literal.candidates).toEqual([]);

    // The items mapping has no match field: only a typed search finds candidates.
    const items = String(api.mappings.items);
    const none = await candidates({ m: items, side: 'INTEGRATION', r: 'crm-p-1' });
    expect(none).toMatchObject({ __typename: 'InvalidInputError', argument: 'search' });
    const typed = await candidates({
      m: items,
      side: 'INTEGRATION',
      r: 'crm-p-1',
      search: { field: 'description', value: 'item 1' },
      first: 50,
    });
    expect(typed.candidates!.length).toBeGreaterThan(1);
    for (const candidate of typed.candidates!) expect(String(candidate.values.description)).toMatch(/^Item 1/);
  });

  it('refuses bad input with typed errors and changes nothing; an app that fails is APP_UNAVAILABLE', async () => {
    const before = snapshotData(api.dir);
    const m = customers();
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ m: encodeGlobalID('Coupling', 1), side: 'LOCAL', r: '5' }, 'InvalidIdError'],
      [{ m: 'TableMapping:1', side: 'LOCAL', r: '5' }, 'InvalidIdError'],
      [{ m: encodeGlobalID('TableMapping', 999), side: 'LOCAL', r: '5' }, 'NotFoundError'],
      [{ m, side: 'LOCAL', r: 'no-such-customer' }, 'RecordNotFoundError'],
      [{ m, side: 'LOCAL', r: '5', first: 0 }, 'InvalidInputError', 'first'],
      [{ m, side: 'LOCAL', r: '5', first: 51 }, 'InvalidInputError', 'first'],
      [{ m, side: 'LOCAL', r: '5', search: { field: 'email', value: 'x' } }, 'InvalidInputError', 'search.field'],
      [{ m, side: 'LOCAL', r: '5', search: { field: 'name', value: 'x'.repeat(201) } }, 'InvalidInputError'],
    ];
    for (const [variables, typename, argument] of cases) {
      const result = await candidates(variables);
      expect(result.__typename, JSON.stringify(variables).slice(0, 120)).toBe(typename);
      if (argument) expect(result.argument).toBe(argument);
    }
    const notFound = await candidates({ m, side: 'INTEGRATION', r: 'crm-nobody' });
    expect(notFound).toMatchObject({ code: 'RECORD_NOT_FOUND', side: 'INTEGRATION', recordId: 'crm-nobody' });

    // The CRM fails every call: a typed error naming the side, not a crash.
    const crm = api.services.connectors.get('crm')!;
    const failing: Connector = {
      name: 'crm',
      openTable(spec: TableSpec): TableConnector {
        const table = crm.openTable(spec);
        const down = () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.9:443'));
        return { ...table, spec, getByIds: down, findByField: down, readChanges: down };
      },
      close: () => Promise.resolve(),
    };
    const downApi = {
      yoga: createApi({ ...api.services, connectors: new Map([...api.services.connectors, ['crm', failing]]) }),
    };
    const down = await candidates({ m, side: 'LOCAL', r: '5' }, { ...api, ...downApi });
    expect(down).toMatchObject({ __typename: 'AppUnavailableError', code: 'APP_UNAVAILABLE', side: 'INTEGRATION' });
    expect(down.message).toContain('ECONNREFUSED');
    const downSource = await candidates({ m, side: 'INTEGRATION', r: 'crm-5' }, { ...api, ...downApi });
    expect(downSource).toMatchObject({ __typename: 'AppUnavailableError', side: 'INTEGRATION' });

    expect(snapshotData(api.dir)).toEqual(before);
  });

  it('couples the picked candidate (coupleRecords), marks it coupled for another record, and the next job syncs the pair', async () => {
    const m = customers();
    const [picked] = (await candidates({ m, side: 'LOCAL', r: '7' })).candidates!;
    expect(picked).toMatchObject({ recordId: 'crm-7', coupled: false });

    const couple = await gql<{
      coupleRecords: {
        __typename: string;
        outcome?: string;
        coupling?: { id: string; localId: string; integrationId: string };
      };
    }>(
      api,
      api.keys.OPERATOR,
      `mutation($m: ID!, $l: String!, $i: String!) { coupleRecords(mappingId: $m, localId: $l, integrationId: $i) {
        __typename ... on CoupleRecordsPayload { outcome coupling { id localId integrationId } } ... on Error { code message } } }`,
      { m, l: '7', i: picked!.recordId },
    );
    expect(couple.body.data!.coupleRecords).toMatchObject({
      __typename: 'CoupleRecordsPayload',
      outcome: 'MODIFIED',
      coupling: { localId: '7', integrationId: 'crm-7' },
    });
    const rows = await query<{ id: number; state: string; integration_id: string }>(
      'select id, state, integration_id from coupling where mapping_id = ? and local_id = ?',
      [api.mappings.customers, '7'],
    );
    expect(rows).toEqual([{ id: expect.anything(), state: 'COUPLED', integration_id: 'crm-7' }]);
    const couplingId = encodeGlobalID('Coupling', Number(rows[0]!.id));
    expect(couple.body.data!.coupleRecords.coupling!.id).toBe(couplingId);

    // The record is coupled now; a second ERP customer with the same e-mail finds crm-7 marked as coupled.
    const own = await candidates({ m, side: 'LOCAL', r: '7' });
    expect(own.recordCoupling).toMatchObject({ localId: '7', integrationId: 'crm-7', coupling: { id: couplingId } });
    const erp = new Database(join(api.dir, 'demo', 'erp.sqlite'));
    const { lastInsertRowid } = erp
      .prepare('insert into customer (name, email, city, modified_at) values (?, ?, ?, ?)')
      .run('Customer 7 (duplicate)', 'CUSTOMER7@example.com', 'Oslo', new Date().toISOString());
    const duplicate = String(lastInsertRowid);
    const other = await candidates({ m, side: 'LOCAL', r: duplicate });
    expect(other.candidates).toEqual([
      expect.objectContaining({
        recordId: 'crm-7',
        coupled: true,
        coupling: { localId: '7', integrationId: 'crm-7', coupling: { id: couplingId } },
      }),
    ]);

    // The next job synchronizes the pair: a change to the ERP customer reaches the CRM account it was coupled to.
    erp.prepare(`update customer set city = 'Kiruna', modified_at = ? where id = 7`).run(new Date().toISOString());
    erp.close();
    const job = await runJob(api, api.mappings.customers!);
    expect(['SUCCEEDED', 'PARTIAL']).toContain(job.status);
    const crm = new Database(join(api.dir, 'demo', 'crm.sqlite'), { readonly: true });
    const account = crm.prepare('select name, address1_city as city from account where accountid = ?').get('crm-7') as {
      name: string;
      city: string;
    };
    expect(account).toMatchObject({ name: 'Customer 7', city: 'Kiruna' });
    // No second copy of customer 7 was made, and its coupling is the one made by hand.
    const copies = crm
      .prepare("select count(*) as n from account where erp_id = '7' and accountid <> 'crm-7'")
      .get() as {
      n: number;
    };
    expect(Number(copies.n)).toBe(0);
    crm.close();
    expect(
      await query('select id, integration_id from coupling where mapping_id = ? and local_id = ?', [
        api.mappings.customers,
        '7',
      ]),
    ).toEqual([{ id: rows[0]!.id, integration_id: 'crm-7' }]);
    const log = await query<{ action: string }>('select action from sync_log_entry where coupling_id = ? order by id', [
      rows[0]!.id,
    ]);
    expect(log.map((entry) => entry.action)).toEqual(expect.arrayContaining(['COUPLE', 'UPDATE']));
  }, 120_000);
});
