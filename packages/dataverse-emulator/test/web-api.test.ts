import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
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

const create = (body: Record<string, unknown>) => api('/accounts', { method: 'POST', body: JSON.stringify(body) });

describe('create (POST)', () => {
  // Documented: create-entity-web-api — "HTTP/1.1 204 No Content … OData-EntityId: [Organization URI]/api/data/v9.2/accounts(<guid>)"
  it('answers 204 with OData-EntityId, and stores the server-set columns', async () => {
    const response = await create({ name: 'Contoso', employees: 10 });
    expect(response.status).toBe(204);
    const entityId = response.headers.get('OData-EntityId')!;
    expect(entityId).toMatch(new RegExp(`^${emulator.apiUrl}/accounts\\([0-9a-f-]{36}\\)$`));
    const [row] = emulator.rows('accounts');
    expect(row).toMatchObject({ name: 'Contoso', employees: 10, versionnumber: 1 });
    expect(entityId).toContain(String(row!.accountid));
    // modifiedon is whole seconds, as Dataverse returns it
    expect(String(row!.modifiedon)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(row!.createdon).toBe(row!.modifiedon);
  });

  // Documented: "Create with data returned" — Prefer: return=representation → 201 Created with the record and @odata.etag
  it('answers 201 with the record under Prefer: return=representation', async () => {
    const response = await api('/accounts?$select=name', {
      method: 'POST',
      headers: { Prefer: 'return=representation' },
      body: JSON.stringify({ name: 'Fabrikam' }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['@odata.etag']).toBe('W/"1"');
    expect(body.name).toBe('Fabrikam');
    expect(body['@odata.context']).toBe(`${emulator.apiUrl}/$metadata#accounts(name)/$entity`);
  });

  // Documented error JSON: { "error": { "code": "0x…", "message": "…" } } (compose-http-requests-handle-errors)
  it('rejects a too long string, a wrong type, a missing required column and an unknown property; nothing stored', async () => {
    const tooLong = await create({ name: 'x'.repeat(21) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: '0x80044331',
      message: expect.stringContaining(
        "'name' attribute of the 'account' entity exceeded the maximum allowed length of '20'",
      ),
    });
    const wrongType = await create({ name: 'A', employees: 'many' });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { code: string } }).error.code).toBe('0x80048d19');
    const missing = await create({ employees: 1 });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('0x80040203');
    const unknown = await create({ name: 'A', nope: 1 });
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain("'nope'");
    expect(emulator.rows('accounts')).toEqual([]);
  });

  it('rejects a duplicate alternate key with 0x80060892 and keeps the first record', async () => {
    await create({ name: 'A', erp_id: '42' });
    const duplicate = await create({ name: 'B', erp_id: '42' });
    expect(duplicate.status).toBe(412);
    expect(((await duplicate.json()) as { error: { code: string } }).error.code).toBe('0x80060892');
    expect(emulator.rows('accounts').map((r) => r.name)).toEqual(['A']);
  });
});

describe('update, upsert and delete', () => {
  // Documented (perform-conditional-operations-using-web-api): If-Match with a stale ETag → 412 Precondition Failed
  it('updates with a matching If-Match and refuses a stale one with 412 0x80060882', async () => {
    const id = (await create({ name: 'A' })).headers.get('OData-EntityId')!.match(/\((.+)\)/)![1];
    const ok = await api(`/accounts(${id})`, {
      method: 'PATCH',
      headers: { 'If-Match': 'W/"1"' },
      body: JSON.stringify({ name: 'B' }),
    });
    expect(ok.status).toBe(204);
    const stale = await api(`/accounts(${id})`, {
      method: 'PATCH',
      headers: { 'If-Match': 'W/"1"' },
      body: JSON.stringify({ name: 'C' }),
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('0x80060882');
    expect(emulator.rows('accounts')).toMatchObject([{ name: 'B', versionnumber: 2 }]);
  });

  // Documented (use-upsert-insert-update-record): PATCH to an absent key creates; If-None-Match: * prevents update (412);
  // If-Match: * prevents create (404). Alternate key URL: accounts(erp_id='42').
  it('upserts by alternate key, honouring If-None-Match: * and If-Match: *', async () => {
    const created = await api(`/accounts(erp_id='42')`, {
      method: 'PATCH',
      headers: { 'If-None-Match': '*' },
      body: JSON.stringify({ name: 'New' }),
    });
    expect(created.status).toBe(204);
    const again = await api(`/accounts(erp_id='42')`, {
      method: 'PATCH',
      headers: { 'If-None-Match': '*' },
      body: JSON.stringify({ name: 'Overwrite' }),
    });
    expect(again.status).toBe(412);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('0x80040237');
    const updateOnly = await api(`/accounts(erp_id='43')`, {
      method: 'PATCH',
      headers: { 'If-Match': '*' },
      body: JSON.stringify({ name: 'Nope' }),
    });
    expect(updateOnly.status).toBe(404);
    expect(((await updateOnly.json()) as { error: { code: string } }).error.code).toBe('0x80040217');
    expect(emulator.rows('accounts')).toMatchObject([{ name: 'New', erp_id: '42' }]);
  });

  it('deletes (204), then answers 404 for the same record', async () => {
    await create({ name: 'A', erp_id: '1' });
    await create({ name: 'B', erp_id: '2' });
    expect((await api(`/accounts(erp_id='1')`, { method: 'DELETE' })).status).toBe(204);
    const gone = await api(`/accounts(erp_id='1')`);
    expect(gone.status).toBe(404);
    expect(emulator.rows('accounts').map((r) => r.name)).toEqual(['B']);
  });
});

describe('query', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 7; i++) {
      await create({ name: `N${i}`, employees: i, active: i % 2 === 0, foundedon: `2020-01-0${i}T00:00:00Z` });
    }
    await create({ name: 'Nulls' });
  });

  // Documented (query/filter-rows): comparison and logical operators, parentheses, null
  it('filters with eq ne gt ge lt le, and/or, parentheses, dates and null', async () => {
    const names = async (filter: string) => {
      const r = await api(`/accounts?$select=name&$filter=${encodeURIComponent(filter)}&$orderby=name`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { value: { name: string }[] }).value.map((v) => v.name);
    };
    expect(await names("employees ge 6 or (name eq 'N1' and active eq false)")).toEqual(['N1', 'N6', 'N7']);
    expect(await names('foundedon lt 2020-01-03T00:00:00Z')).toEqual(['N1', 'N2']);
    expect(await names('employees eq null')).toEqual(['Nulls']);
    expect(await names("employees gt 2 and employees le 4 and name ne 'N3'")).toEqual(['N4']);
    const bad = await api(`/accounts?$filter=${encodeURIComponent('nosuch eq 1')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('0x80060888');
  });

  // Documented (query/page-results): Prefer: odata.maxpagesize=n → @odata.nextLink with $skiptoken; follow it unchanged
  it('pages with odata.maxpagesize and @odata.nextLink, $count on the first page', async () => {
    let url: string | undefined = `${emulator.apiUrl}/accounts?$select=name&$orderby=employees desc&$count=true`;
    const seen: string[] = [];
    let first = true;
    while (url) {
      const response: Response = await api(url.slice(emulator.apiUrl.length), {
        headers: { Prefer: 'odata.maxpagesize=3' },
      });
      expect(response.headers.get('Preference-Applied')).toBe('odata.maxpagesize=3');
      const body = (await response.json()) as {
        value: { name: string }[];
        '@odata.nextLink'?: string;
        '@odata.count'?: number;
      };
      if (first) expect(body['@odata.count']).toBe(8);
      first = false;
      expect(body.value.length).toBeLessThanOrEqual(3);
      seen.push(...body.value.map((v) => v.name));
      url = body['@odata.nextLink'];
    }
    expect(seen).toEqual(['N7', 'N6', 'N5', 'N4', 'N3', 'N2', 'N1', 'Nulls']);
  });
});

describe('change tracking', () => {
  // Documented (use-change-tracking-synchronize-data-external-systems): Prefer: odata.track-changes → @odata.deltaLink;
  // the delta lists new/changed records and deleted ones as $deletedEntity with "reason": "deleted"
  it('returns a deltaLink, then only what changed, with tombstones for deletions', async () => {
    const a = (await create({ name: 'A' })).headers.get('OData-EntityId')!.match(/\((.+)\)/)![1];
    const b = (await create({ name: 'B' })).headers.get('OData-EntityId')!.match(/\((.+)\)/)![1];
    await create({ name: 'C' });
    const initial = await api('/accounts?$select=name', { headers: { Prefer: 'odata.track-changes' } });
    const first = (await initial.json()) as { value: unknown[]; '@odata.deltaLink': string };
    expect(first.value).toHaveLength(3);
    expect(first['@odata.deltaLink']).toContain('$deltatoken=');
    await api(`/accounts(${a})`, { method: 'PATCH', body: JSON.stringify({ name: 'A2' }) });
    await api(`/accounts(${b})`, { method: 'DELETE' });
    const delta = await api(first['@odata.deltaLink'].slice(emulator.apiUrl.length), {
      headers: { Prefer: 'odata.track-changes' },
    });
    const changes = (await delta.json()) as { value: Record<string, unknown>[]; '@odata.deltaLink': string };
    expect(changes.value).toEqual([
      expect.objectContaining({ accountid: a, name: 'A2' }),
      { '@odata.context': `${emulator.apiUrl}/$metadata#accounts/$deletedEntity`, id: b, reason: 'deleted' },
    ]);
    emulator.expireDeltaTokens();
    const expired = await api(changes['@odata.deltaLink'].slice(emulator.apiUrl.length));
    expect(expired.status).toBe(400);
  });
});

describe('auth', () => {
  // Entra ID client credentials: a wrong secret → 401 invalid_client; Dataverse without a token → 401 + WWW-Authenticate
  it('refuses a wrong secret and a request without a valid token', async () => {
    const wrong = await fetch(emulator.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tandem-emulator', client_secret: 'x' }),
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
    const anonymous = await fetch(`${emulator.apiUrl}/accounts`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toMatch(/^Bearer authorization_uri=/);
    emulator.revokeTokens();
    expect((await api('/accounts')).status).toBe(401);
  });

  it('expires tokens after the configured lifetime', async () => {
    const shortLived = await start({ tokenLifetimeSeconds: 1 });
    try {
      const call = client(shortLived, await tokenFor(shortLived));
      expect((await call('/accounts')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await call('/accounts')).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });
});

describe('service protection and faults', () => {
  // Documented (api-limits): 429 Too Many Requests, Retry-After in seconds, code 0x80072322 for the request count;
  // continued requests while throttled extend the wait
  it('answers 429 with Retry-After past the request limit', async () => {
    emulator.setLimits({ requestsPerWindow: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect((await api('/accounts')).status).toBe(200);
    const throttled = await api('/accounts');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('Retry-After'))).toBeGreaterThanOrEqual(59);
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('0x80072322');
    expect(emulator.stats().throttled).toBe(1);
  });

  it('answers 429 0x80072326 past the concurrent limit while the first requests are in flight', async () => {
    emulator.setLimits({ concurrent: 2 });
    emulator.setFaults({ latencyMs: 1000 });
    const statuses = await Promise.all([1, 2, 3].map(async () => (await api('/accounts')).status));
    expect(statuses.sort()).toEqual([200, 200, 429]);
  });

  it('injects 500s and dropped connections, and stops when faults are cleared', async () => {
    emulator.setFaults({ serverErrorRate: 1 });
    const failed = await api('/accounts');
    expect(failed.status).toBe(500);
    emulator.setFaults({ dropRate: 1 });
    await expect(api('/accounts')).rejects.toThrow();
    emulator.setFaults({});
    expect((await api('/accounts')).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ serverErrors: 1, dropped: 1 });
  });
});
