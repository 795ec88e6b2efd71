import { afterEach, describe, expect, it } from 'vitest';
import { DataverseConnector } from '../../../src/connectors/dataverse/index.js';
import { readAllChanges } from '../connector.conformance.js';
import { json, scriptedServer } from './scripted-server.js';

/**
 * Change reads by modifiedon, where Dataverse's whole seconds meet paging: many records in one second,
 * ordered by the server by (modifiedon, id) but by the connector by row version within the second. A
 * scripted server pages a fixed list the way the Web API does (`odata.maxpagesize`, `@odata.nextLink`).
 */
let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

const METADATA = {
  value: [
    {
      EntitySetName: 'accounts',
      PrimaryIdAttribute: 'accountid',
      Attributes: [
        { LogicalName: 'accountid', AttributeType: 'Uniqueidentifier' },
        { LogicalName: 'name', AttributeType: 'String' },
        { LogicalName: 'modifiedon', AttributeType: 'DateTime' },
      ],
    },
  ],
};

interface Row {
  accountid: string;
  name: string;
  modifiedon: string;
  '@odata.etag': string;
}

async function serve(rows: Row[]) {
  const sorted = [...rows].sort(
    (a, b) => a.modifiedon.localeCompare(b.modifiedon) || a.accountid.localeCompare(b.accountid),
  );
  const server = await scriptedServer((req, res) => {
    if (req.url.includes('EntityDefinitions')) return json(res, 200, METADATA);
    const url = new URL(req.url, 'http://x');
    const since = /modifiedon ge ([0-9T:.Z-]+)/.exec(url.searchParams.get('$filter') ?? '')?.[1];
    const matching = sorted.filter((r) => !since || Date.parse(r.modifiedon) >= Date.parse(since));
    const size = Number(/odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer))?.[1] ?? 5000);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const page = matching.slice(skip, skip + size);
    const next = new URL(url);
    next.searchParams.set('$skiptoken', String(skip + size));
    json(res, 200, {
      value: page,
      ...(skip + size < matching.length ? { '@odata.nextLink': `${server.url}${next.pathname}${next.search}` } : {}),
    });
  });
  close = server.close;
  const connector = DataverseConnector.open('crm', {
    type: 'dataverse',
    url: server.url,
    auth: { tokenUrl: server.tokenUrl, clientId: 'c', clientSecret: 's', scope: 'x' },
  });
  return {
    server,
    table: connector.openTable({ table: 'accounts', idColumn: 'accountid', modifiedColumn: 'modifiedon' }),
  };
}

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('Dataverse change reads by modifiedon', () => {
  it('reads 30 records of one second in pages of 7 without missing or repeating any, in row-version order', async () => {
    // Ids and versions in opposite orders: the server's order within the second is not the connector's.
    const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({
      accountid: guid(i),
      name: `n${i}`,
      modifiedon: '2026-11-26T12:00:05Z',
      '@odata.etag': `W/"${1000 - i}"`,
    }));
    rows.push({ accountid: guid(99), name: 'later', modifiedon: '2026-11-26T12:00:06Z', '@odata.etag': 'W/"1"' });
    const { table, server } = await serve(rows);
    const read = await readAllChanges(table, 7, ['name']);
    expect(read).toHaveLength(31);
    expect(new Set(read.map((r) => r.id)).size).toBe(31);
    expect(read.map((r) => r.values.name)).toEqual([...Array.from({ length: 30 }, (_, i) => `n${29 - i}`), 'later']);
    // Each call asked from the cursor's second on, ordered by modifiedon and id, selecting only what it needs.
    const fromCursor = server.seen.map((r) => decodeURIComponent(r.url)).find((url) => url.includes('modifiedon ge'));
    expect(fromCursor).toBe(
      '/api/data/v9.2/accounts?$select=accountid,modifiedon,name&$filter=(modifiedon ne null) and (modifiedon ge 2026-11-26T12:00:05Z)&$orderby=modifiedon,accountid',
    );
  });

  it('sees an edit in the same second as an earlier write as later (the row version decides)', async () => {
    const write = { accountid: guid(1), name: 'ours', modifiedon: '2026-11-26T12:00:05Z', '@odata.etag': 'W/"41"' };
    const { table } = await serve([{ ...write, name: 'theirs', '@odata.etag': 'W/"42"' }]);
    const ourModifiedUs = Date.UTC(2026, 10, 26, 12, 0, 5) * 1000 + 41;
    const changes = await table.readChanges({ modifiedUs: ourModifiedUs, id: guid(1) }, 10, ['name']);
    expect(changes.map((r) => r.values.name)).toEqual(['theirs']);
    expect(await table.readChanges({ modifiedUs: changes[0]!.modifiedUs, id: guid(1) }, 10, ['name'])).toEqual([]);
  });
});
