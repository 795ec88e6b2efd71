import type { Connector, ConnectorRegistry } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/yoga.js';
import { gql, runJob, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await runJob(api, api.mappings.items!);
});
afterAll(() => api.close());

const RECORDS = `query($filter: SyncErrorFilter) { syncErrors(filter: $filter, first: 10) { edges { node {
  kind status actions
  records { localRecord integrationRecord unavailable { side message }
    fields { localField integrationField direction local integration lastSyncedLocal lastSyncedIntegration
             conflicting changedLocally changedInIntegration } } } } } }`;

type RecordsPage = {
  syncErrors: {
    edges: {
      node: {
        kind: string;
        actions: string[];
        records: {
          localRecord: unknown;
          integrationRecord: unknown;
          unavailable: { side: string; message: string }[];
          fields: Record<string, unknown>[];
        } | null;
      };
    }[];
  };
};

/** The same API over other connectors: counts app reads, or cannot reach the CRM. */
function apiWith(connectors: ConnectorRegistry) {
  return { yoga: createApi({ ...api.services, connectors }, { introspection: true }) };
}

function countingConnectors(): { connectors: ConnectorRegistry; reads: () => number } {
  let reads = 0;
  const connectors = new Map(
    [...api.runtime.connectors].map(([name, connector]): [string, Connector] => [
      name,
      {
        name,
        close: async () => {},
        openTable: (spec) => {
          const table = connector.openTable(spec);
          return Object.assign(Object.create(table), {
            getByIds: (ids: readonly string[], fields: readonly string[]) => {
              reads++;
              return table.getByIds(ids, fields);
            },
          });
        },
      },
    ]),
  );
  return { connectors, reads: () => reads };
}

describe('SyncError.records', () => {
  it('shows the rejected product as the CRM holds it, with no ERP record (never created) and the actions of its kind', async () => {
    const res = await gql<RecordsPage>(api, api.keys.VIEWER, RECORDS, {
      filter: { mappingId: String(api.mappings.items), kinds: ['WRITE_FAILED'] },
    });
    expect(res.body.errors).toBeUndefined();
    const [edge] = res.body.data!.syncErrors.edges;
    expect(edge!.node.actions).toEqual(['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE']);
    expect(edge!.node.records).toMatchObject({
      localRecord: null,
      integrationRecord: { name: 'Extended premium support contract (24/7)', price: 990 },
      unavailable: [],
    });
    expect(edge!.node.records!.fields).toEqual([
      {
        localField: 'description',
        integrationField: 'name',
        direction: 'BIDIRECTIONAL',
        local: null,
        integration: 'Extended premium support contract (24/7)',
        lastSyncedLocal: null,
        lastSyncedIntegration: null,
        conflicting: false,
        changedLocally: null,
        changedInIntegration: null,
      },
      expect.objectContaining({ localField: 'unit_price', integration: 990 }),
    ]);
  });

  it('reads the apps only when asked, and then once per side and mapping for a whole page', async () => {
    const counting = countingConnectors();
    const other = apiWith(counting.connectors);
    const plain = await gql(other, api.keys.VIEWER, '{ syncErrors(first: 50) { edges { node { id kind actions } } } }');
    expect(plain.body.errors).toBeUndefined();
    expect(counting.reads()).toBe(0);

    const rich = await gql<RecordsPage>(other, api.keys.VIEWER, RECORDS);
    expect(rich.body.errors).toBeUndefined();
    expect(rich.body.data!.syncErrors.edges.length).toBeGreaterThan(0);
    // Only the items mapping has run, so every error on the page is one of its: one read per side at most.
    expect(counting.reads()).toBeLessThanOrEqual(2);
  });

  it('answers with the stored values and an `unavailable` note when an app cannot be reached', async () => {
    const down: Connector = {
      name: 'crm',
      close: async () => {},
      openTable: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:443');
      },
    };
    const other = apiWith(new Map([...api.runtime.connectors, ['crm', down]]));
    const res = await gql<RecordsPage>(other, api.keys.VIEWER, RECORDS, {
      filter: { mappingId: String(api.mappings.items), kinds: ['WRITE_FAILED'] },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.syncErrors.edges[0]!.node.records).toMatchObject({
      integrationRecord: null,
      unavailable: [{ side: 'INTEGRATION', message: expect.stringContaining('ECONNREFUSED') }],
    });
  });
});
