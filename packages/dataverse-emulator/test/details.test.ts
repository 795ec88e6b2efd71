import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSchema, type RunningEmulator } from '../src/index.js';
import { client, start, tokenFor } from './helpers.js';

let emulator: RunningEmulator;
let api: ReturnType<typeof client>;

beforeEach(async () => {
  emulator = await start();
  api = client(emulator, await tokenFor(emulator));
});
afterEach(async () => {
  await emulator.close();
});

const idOf = (response: Response) => response.headers.get('OData-EntityId')!.match(/\((.+)\)/)![1]!;
const create = (body: Record<string, unknown>) => api('/accounts', { method: 'POST', body: JSON.stringify(body) });

describe('schema', () => {
  it('names the path of the first wrong thing', () => {
    expect(() =>
      parseSchema({ entitySets: [{ name: 'accounts', key: 'accountid', columns: [{ name: 'x', type: 'text' }] }] }),
    ).toThrow(/schema entitySets\[0\]\.columns\[0\]\.type: must be one of/);
    expect(() =>
      parseSchema({ entitySets: [{ name: 'accounts', key: 'accountid', columns: [], alternateKeys: [['erp_id']] }] }),
    ).toThrow(/entitySets\[0\]\.alternateKeys\[0\]: "erp_id" is not a declared column/);
  });
});

describe('retrieve', () => {
  // Documented (perform-conditional-operations-using-web-api, "Conditional retrievals"): If-None-Match with the
  // current ETag → 304 Not Modified; after a change → 200 with the new @odata.etag
  it('answers 304 to If-None-Match with the current ETag, 200 after a change', async () => {
    const id = idOf(await create({ name: 'A' }));
    const first = await api(`/accounts(${id})?$select=name`);
    const body = (await first.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ '@odata.etag': 'W/"1"', name: 'A', accountid: id });
    expect((await api(`/accounts(${id})`, { headers: { 'If-None-Match': 'W/"1"' } })).status).toBe(304);
    await api(`/accounts(${id})`, { method: 'PATCH', body: JSON.stringify({ name: 'B' }) });
    const changed = await api(`/accounts(${id})`, { headers: { 'If-None-Match': 'W/"1"' } });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as Record<string, unknown>)['@odata.etag']).toBe('W/"2"');
  });
});

describe('paging under writes', () => {
  // Keyset $skiptoken: a row inserted before the cursor between pages shifts nothing (no row repeated or skipped)
  it('neither repeats nor skips rows when rows are written between pages', async () => {
    for (let i = 1; i <= 6; i++) await create({ name: `N${i}`, employees: i * 10 });
    const first = (await (
      await api('/accounts?$select=name&$orderby=employees', { headers: { Prefer: 'odata.maxpagesize=3' } })
    ).json()) as { value: { name: string }[]; '@odata.nextLink': string };
    await create({ name: 'Early', employees: 5 });
    const second = (await (
      await api(first['@odata.nextLink'].slice(emulator.apiUrl.length), { headers: { Prefer: 'odata.maxpagesize=3' } })
    ).json()) as { value: { name: string }[]; '@odata.nextLink'?: string };
    expect([...first.value, ...second.value].map((v) => v.name)).toEqual(['N1', 'N2', 'N3', 'N4', 'N5', 'N6']);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('pages a change-tracking read, ending with the deltaLink', async () => {
    for (let i = 1; i <= 5; i++) await create({ name: `N${i}` });
    let path: string | undefined = '/accounts?$select=name';
    const names: string[] = [];
    let deltaLink: string | undefined;
    while (path) {
      const page = (await (
        await api(path, { headers: { Prefer: 'odata.track-changes, odata.maxpagesize=2' } })
      ).json()) as { value: { name: string }[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      names.push(...page.value.map((v) => v.name));
      deltaLink = page['@odata.deltaLink'];
      path = page['@odata.nextLink']?.slice(emulator.apiUrl.length);
    }
    expect(names).toEqual(['N1', 'N2', 'N3', 'N4', 'N5']);
    const nothing = (await (await api(deltaLink!.slice(emulator.apiUrl.length))).json()) as { value: unknown[] };
    expect(nothing.value).toEqual([]);
  });

  it('refuses change tracking on a table without it', async () => {
    const other = await start({
      schema: { entitySets: [{ name: 'notes', key: 'noteid', columns: [], changeTracking: false }] },
    });
    try {
      const call = client(other, await tokenFor(other));
      const refused = await call('/notes', { headers: { Prefer: 'odata.track-changes' } });
      expect(refused.status).toBe(400);
    } finally {
      await other.close();
    }
  });
});

describe('dropped after processing', () => {
  it('lands the write though the connection is destroyed', async () => {
    emulator.setFaults({ dropRate: 1, dropAfterProcessing: true });
    await expect(create({ name: 'Landed' })).rejects.toThrow();
    emulator.setFaults({});
    expect(emulator.rows('accounts').map((r) => r.name)).toEqual(['Landed']);
  });
});

describe('table definitions', () => {
  // Documented (query-metadata-web-api, "Querying EntityMetadata"): GET EntityDefinitions with $filter on
  // EntitySetName or LogicalName, $expand=Attributes,Keys; each attribute has LogicalName, AttributeType and
  // RequiredLevel { Value }; each key its KeyAttributes; ChangeTrackingEnabled tells whether "Track changes" is on
  it('describes a table by entity set name: key, columns and their required level, alternate keys, change tracking', async () => {
    const filter = encodeURIComponent("EntitySetName eq 'accounts'");
    const response = await api(`/EntityDefinitions?$filter=${filter}&$expand=Attributes,Keys`);
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: Array<Record<string, unknown>> };
    expect(value).toHaveLength(1);
    const [accounts] = value as [
      {
        EntitySetName: string;
        LogicalName: string;
        PrimaryIdAttribute: string;
        ChangeTrackingEnabled: boolean;
        Attributes: Array<{ LogicalName: string; AttributeType: string; RequiredLevel: { Value: string } }>;
        Keys: Array<{ KeyAttributes: string[] }>;
      },
    ];
    expect(accounts).toMatchObject({
      EntitySetName: 'accounts',
      LogicalName: 'account',
      PrimaryIdAttribute: 'accountid',
      ChangeTrackingEnabled: true,
    });
    const attribute = (name: string) => accounts.Attributes.find((a) => a.LogicalName === name);
    expect(attribute('name')).toMatchObject({
      AttributeType: 'String',
      RequiredLevel: { Value: 'ApplicationRequired' },
    });
    expect(attribute('employees')).toMatchObject({ AttributeType: 'Integer', RequiredLevel: { Value: 'None' } });
    expect(attribute('modifiedon')).toMatchObject({ AttributeType: 'DateTime' });
    expect(accounts.Keys.map((k) => k.KeyAttributes)).toEqual([['erp_id']]);
  });

  it('answers an empty list for an unknown entity set and 404 for an unknown logical name', async () => {
    const filter = encodeURIComponent("EntitySetName eq 'nosuch'");
    const none = await api(`/EntityDefinitions?$filter=${filter}`);
    expect(((await none.json()) as { value: unknown[] }).value).toEqual([]);
    const missing = await api("/EntityDefinitions(LogicalName='nosuch')");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('0x80040217');
    const byName = await api("/EntityDefinitions(LogicalName='account')");
    expect(((await byName.json()) as { EntitySetName: string }).EntitySetName).toBe('accounts');
  });
});
