import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, createApiKey, graphqlRequest, requireConsoleBuild, startApi, waitFor } from './api-process';
import { type Browser, CHROMIUM, launchBrowser, signIn } from './chromium';

/** Update conflicts made on purpose: more than the page's 50 rows, so that the list has a second page. */
const CONFLICTS = 60;
/** Customers whose CRM account is deleted on purpose: a group to restore. */
const DELETIONS = 3;

type Db = InstanceType<typeof Database>;

/** Global Node id → the database id ("SyncError:1" base64-encoded). */
function databaseId(globalId: string): number {
  return Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);
}

function globalId(type: string, id: number | bigint): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64');
}

interface GroupCount {
  mappingId: number;
  kind: string;
  pattern: string;
  count: number;
}

const byGroup = (a: GroupCount, b: GroupCount) =>
  a.mappingId - b.mappingId || a.kind.localeCompare(b.kind) || a.pattern.localeCompare(b.pattern);

// Skipped only where the browser is missing (`.ci/run` installs it); everywhere else it must run.
describe.skipIf(!existsSync(CHROMIUM))('the errors page in Chromium against a real `tandem start`', () => {
  let api: ApiProcess;
  let browser: Browser;
  let mappingIds: Record<string, string>;

  const gql = <T>(query: string, variables: Record<string, unknown> = {}) =>
    graphqlRequest<T>(api, api.adminKey, query, variables);

  /** The store, read-only, for one check: closed again so that the API's writes never wait on a test. */
  function readStore<T>(read: (db: Db) => T): T {
    const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  /** One of the demo apps' SQLite files, writable, as another user of that app would open it. */
  function withDemoApp<T>(name: 'erp' | 'crm', work: (db: Db) => T): T {
    const db = new Database(join(api.dataDir, 'demo', `${name}.sqlite`));
    try {
      db.exec('pragma busy_timeout = 10000');
      return work(db);
    } finally {
      db.close();
    }
  }

  async function idle(): Promise<void> {
    await waitFor('every job to finish', async () => {
      const data = await gql<{ syncJobs: { totalCount: number } }>(
        '{ syncJobs(statuses: [QUEUED, RUNNING]) { totalCount } }',
      );
      return data.syncJobs.totalCount === 0;
    });
  }

  beforeAll(async () => {
    requireConsoleBuild();
    api = await startApi();
    const { tableMappings } = await gql<{ tableMappings: { id: string; name: string }[] }>(
      '{ tableMappings { id name } }',
    );
    mappingIds = Object.fromEntries(tableMappings.map((mapping) => [mapping.name, mapping.id]));

    // Each mapping's first job done, then no schedules: the demo's simulated users keep editing, but no
    // job turns that into errors unless this test runs one, so every count below holds still.
    for (const mapping of tableMappings) {
      await waitFor(`the first job of ${mapping.name}`, async () => {
        const data = await gql<{ syncJobs: { totalCount: number } }>(
          'query($m: ID) { syncJobs(mappingId: $m, statuses: [SUCCEEDED, PARTIAL, FAILED]) { totalCount } }',
          { m: mapping.id },
        );
        return data.syncJobs.totalCount > 0;
      });
      const updated = await gql<{ updateTableMapping: { __typename: string } }>(
        'mutation($id: ID!) { updateTableMapping(id: $id, patch: { scheduleSeconds: 0 }) { __typename } }',
        { id: mapping.id },
      );
      expect(updated.updateTableMapping.__typename).toBe('UpdateTableMappingPayload');
    }
    await idle();

    // Update conflicts and deletions as people cause them: the same customers renamed in both apps, and
    // a few accounts deleted in the CRM while their customer is edited in the ERP.
    const customersId = databaseId(mappingIds.customers!);
    const couplings = readStore(
      (db) =>
        db
          .prepare(
            `select local_id, integration_id from coupling
             where mapping_id = ? and state = 'COUPLED' and parked = 0 and local_id is not null and integration_id is not null
             order by id limit ?`,
          )
          .all(customersId, CONFLICTS + DELETIONS) as { local_id: string; integration_id: string }[],
    );
    expect(couplings).toHaveLength(CONFLICTS + DELETIONS);
    const conflicted = couplings.slice(0, CONFLICTS);
    const deleted = couplings.slice(CONFLICTS);
    withDemoApp('erp', (erp) => {
      const rename = erp.prepare('update customer set name = ?, modified_at = ? where id = ?');
      for (const c of conflicted) rename.run(`ERP name ${c.local_id}`, new Date().toISOString(), Number(c.local_id));
      const edit = erp.prepare('update customer set phone = ?, modified_at = ? where id = ?');
      for (const c of deleted) edit.run('+47 22 00 00 01', new Date().toISOString(), Number(c.local_id));
    });
    withDemoApp('crm', (crm) => {
      const rename = crm.prepare('update account set name = ?, modifiedon = ? where accountid = ?');
      for (const c of conflicted) rename.run(`CRM name ${c.local_id}`, Date.now(), c.integration_id);
      const remove = crm.prepare('delete from account where accountid = ?');
      for (const c of deleted) remove.run(c.integration_id);
    });
    const run = await gql<{ runSync: { job?: { id: string } } }>(
      'mutation($m: ID!) { runSync(mappingId: $m) { ... on RunSyncPayload { job { id } } } }',
      { m: mappingIds.customers },
    );
    expect(run.runSync.job?.id).toBeTruthy();
    await idle();
    const opened = readStore(
      (db) =>
        db
          .prepare(`select kind, count(*) as n from sync_error where status = 'OPEN' and mapping_id = ? group by kind`)
          .all(customersId) as { kind: string; n: number }[],
    );
    const open = Object.fromEntries(opened.map((row) => [row.kind, Number(row.n)]));
    expect(open.UPDATE_CONFLICT).toBeGreaterThanOrEqual(CONFLICTS);
    expect(open.INTEGRATION_RECORD_DELETED).toBeGreaterThanOrEqual(DELETIONS);

    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** The open errors by group as the store counts them. */
  function storeGroups(): GroupCount[] {
    return readStore((db) =>
      (
        db
          .prepare(
            `select mapping_id, kind, message_pattern, count(*) as n from sync_error where status = 'OPEN'
             group by mapping_id, kind, message_pattern`,
          )
          .all() as { mapping_id: number; kind: string; message_pattern: string; n: number }[]
      ).map((row) => ({
        mappingId: Number(row.mapping_id),
        kind: row.kind,
        pattern: row.message_pattern,
        count: Number(row.n),
      })),
    ).sort(byGroup);
  }

  /** The groups the page shows, read from its rows. */
  async function shownGroups(page: Page): Promise<GroupCount[]> {
    const rows = page.getByTestId('sync-error-group');
    const groups: GroupCount[] = [];
    for (const row of await rows.all()) {
      groups.push({
        mappingId: databaseId((await row.getAttribute('data-mapping'))!),
        kind: (await row.getAttribute('data-kind'))!,
        pattern: (await row.getAttribute('data-pattern'))!,
        count: Number((await row.getByTestId('group-count').textContent())!.replaceAll(',', '')),
      });
    }
    return groups.sort(byGroup);
  }

  function groupRow(page: Page, group: { mappingId: number; kind: string; pattern: string }) {
    return page.locator(
      `[data-testid="sync-error-group"][data-mapping="${globalId('TableMapping', group.mappingId)}"][data-kind="${group.kind}"]`,
      { has: page.locator(`[data-testid="group-pattern"]:text-is(${JSON.stringify(group.pattern)})`) },
    );
  }

  it('the grouped view lists the open errors by mapping, kind and pattern, with the counts the API and the store hold', async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.getByTestId('sync-error-row').first().waitFor();
    await page.getByTestId('view-groups').click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'groups');
    await page.getByTestId('sync-error-group').first().waitFor();

    const expected = storeGroups();
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(await shownGroups(page)).toEqual(expected);
    const { syncErrorGroups } = await gql<{
      syncErrorGroups: {
        totalCount: number;
        edges: { node: { kind: string; messagePattern: string; count: number; mapping: { id: string } } }[];
      };
    }>('{ syncErrorGroups(first: 200) { totalCount edges { node { kind messagePattern count mapping { id } } } } }');
    expect(
      syncErrorGroups.edges
        .map(({ node }) => ({
          mappingId: databaseId(node.mapping.id),
          kind: node.kind,
          pattern: node.messagePattern,
          count: node.count,
        }))
        .sort(byGroup),
    ).toEqual(expected);
    expect(await page.getByTestId('total-count').textContent()).toBe(
      `${syncErrorGroups.totalCount} ${syncErrorGroups.totalCount === 1 ? 'group matches' : 'groups match'}`,
    );
    // Largest first: the conflicts made for this test lead.
    const first = page.getByTestId('sync-error-group').first();
    expect(await first.getAttribute('data-kind')).toBe('UPDATE_CONFLICT');
    expect(Number(await first.getByTestId('group-count').textContent())).toBeGreaterThanOrEqual(CONFLICTS);

    // The page's filters apply: one kind leaves only that kind's groups, with the same counts.
    await page.goto(`${api.url}/errors?view=groups&kind=INTEGRATION_RECORD_DELETED`);
    await page.getByTestId('sync-error-group').first().waitFor();
    expect(await shownGroups(page)).toEqual(expected.filter((group) => group.kind === 'INTEGRATION_RECORD_DELETED'));
    await page.close();
  });

  it('"Show errors" on a group lists exactly its errors, filtered in the URL; Previous returns to the first page', async () => {
    const page = await signIn(browser, api.url, api.adminKey, '/errors?view=groups');
    const customers = databaseId(mappingIds.customers!);
    const conflicts = storeGroups().find((group) => group.mappingId === customers && group.kind === 'UPDATE_CONFLICT')!;
    const row = groupRow(page, conflicts);
    await row.getByTestId('group-show').click();
    await page.waitForURL((url) => url.searchParams.get('pattern') === conflicts.pattern);
    const url = new URL(page.url());
    expect(url.searchParams.get('view')).toBeNull();
    expect(url.searchParams.get('kind')).toBe('UPDATE_CONFLICT');
    expect(url.searchParams.get('mapping')).toBe(mappingIds.customers);
    expect(await page.getByTestId('filter-pattern').textContent()).toContain(conflicts.pattern);
    await expect.poll(() => page.getByTestId('total-count').textContent()).toBe(`${conflicts.count} errors match`);
    await page.getByTestId('sync-error-row').first().waitFor();
    const kinds = await page.locator('[data-testid="sync-error-row"] td:nth-child(4)').allTextContents();
    expect(kinds).toHaveLength(50);
    expect(new Set(kinds)).toEqual(new Set(['Update conflict']));
    // A row's checkbox and Details button name the error they act on: what a screen reader announces.
    const cells = await page.getByTestId('sync-error-row').first().locator('td').allTextContents();
    const [mapping, localId, integrationId] = [cells[2], cells[5], cells[6]].map((cell) => cell!.trim());
    const record = localId !== '—' ? localId : integrationId;
    const first = page.getByTestId('sync-error-row').first();
    expect(await first.getByTestId('select-row').getAttribute('aria-label')).toBe(
      `Select the update conflict of ${mapping} record ${record}`,
    );
    expect(await first.getByTestId('open-detail').getAttribute('aria-label')).toBe(
      `Details of the update conflict of ${mapping} record ${record}`,
    );

    // Page 1 → 2 → Previous: the first page's rows again, and Previous then disabled.
    const firstPage = await rowIds(page);
    expect(await page.getByTestId('previous-page').isDisabled()).toBe(true);
    await page.getByTestId('next-page').click();
    await page.waitForURL((u) => u.searchParams.has('after'));
    await expect.poll(() => page.getByTestId('page-number').textContent()).toBe('Page 2');
    await expect.poll(() => rowIds(page)).toHaveLength(conflicts.count - 50);
    const secondPage = await rowIds(page);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    // Every error of the group, once: what the store holds open for it.
    const stored = readStore(
      (db) =>
        db
          .prepare(
            `select id from sync_error where status = 'OPEN' and mapping_id = ? and kind = 'UPDATE_CONFLICT' and message_pattern = ?`,
          )
          .all(customers, conflicts.pattern) as { id: number }[],
    ).map((r) => Number(r.id));
    expect([...firstPage, ...secondPage].map(databaseId).sort((a, b) => a - b)).toEqual(stored.sort((a, b) => a - b));

    await page.getByTestId('previous-page').click();
    await page.waitForURL((u) => !u.searchParams.has('after'));
    await expect.poll(() => page.getByTestId('page-number').textContent()).toBe('Page 1');
    await expect.poll(() => rowIds(page)).toEqual(firstPage);
    expect(await page.getByTestId('previous-page').isDisabled()).toBe(true);
    expect(await page.getByTestId('first-page').isDisabled()).toBe(true);
    // The filter stayed: still the group's pattern.
    expect(new URL(page.url()).searchParams.get('pattern')).toBe(conflicts.pattern);
    await page.close();
  });

  async function rowIds(page: Page): Promise<string[]> {
    return page
      .getByTestId('sync-error-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
  }

  async function checkedIds(page: Page): Promise<string[]> {
    return page
      .locator('[data-testid="sync-error-row"]:has([data-testid="select-row"]:checked)')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
  }

  it('a shared URL with a selection reproduces it after a reload; a filter change clears it', async () => {
    const page = await signIn(browser, api.url, api.adminKey, '/errors?kind=UPDATE_CONFLICT');
    await page.getByTestId('sync-error-row').nth(2).waitFor();
    const ids = (await rowIds(page)).slice(1, 3);
    for (const id of ids)
      await page.locator(`[data-testid="sync-error-row"][data-id="${id}"] [data-testid="select-row"]`).click();
    await page.waitForURL((url) => url.searchParams.get('selected') === ids.join(','));
    expect(await page.getByTestId('selection-bar').textContent()).toContain('2 errors selected on this page');

    // The link in another tab (and a reload): the same rows ticked, the same toolbar.
    const link = page.url();
    await page.reload();
    await page.getByTestId('sync-error-row').first().waitFor();
    await expect.poll(() => checkedIds(page)).toEqual(ids);
    expect(await page.getByTestId('selection-bar').textContent()).toContain('2 errors selected on this page');
    expect(await page.getByTestId('action-RETRY').isEnabled()).toBe(true);
    // Someone else opening the link signs in first: the login's redirect keeps the whole query.
    const linkUrl = new URL(link);
    const other = await signIn(browser, api.url, api.adminKey, `${linkUrl.pathname}${linkUrl.search}`);
    expect(new URL(other.url()).searchParams.get('selected')).toBe(ids.join(','));
    await other.getByTestId('sync-error-row').first().waitFor();
    await expect.poll(() => checkedIds(other)).toEqual(ids);
    await other.close();

    // "All N matching": in the URL too.
    await page.locator('[data-testid="select-page"]').click();
    await page.getByTestId('select-all-matching').click();
    await page.waitForURL((url) => url.searchParams.get('selected') === 'all');
    await page.reload();
    const total = readStore(
      (db) =>
        (
          db
            .prepare(`select count(*) as n from sync_error where status = 'OPEN' and kind = 'UPDATE_CONFLICT'`)
            .get() as {
            n: number;
          }
        ).n,
    );
    await expect
      .poll(() => page.getByTestId('selection-bar').textContent())
      .toContain(`All ${total} errors matching this filter are selected.`);
    // The action scope follows: every matching error, named with the filter.
    await page.getByTestId('action-REMOVE_COUPLING').click();
    await expect
      .poll(() => page.getByTestId('action-dialog').textContent())
      .toContain(`Remove the coupling of all ${total} records matching the filter?`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('action-dialog').count()).toBe(0);

    // Another filter is another list: the selection goes, from the URL too.
    await page.getByRole('radio', { name: 'All', exact: true }).click({ force: true });
    await page.waitForURL((url) => url.searchParams.get('status') === 'ALL');
    expect(new URL(page.url()).searchParams.has('selected')).toBe(false);
    await page.getByTestId('sync-error-row').first().waitFor();
    expect(await page.getByTestId('selection-bar').count()).toBe(0);
    expect(await checkedIds(page)).toEqual([]);
    await page.close();
  });

  it('restores a whole group of deletions from the grouped view, and leaves every other error as it was', async () => {
    const customers = databaseId(mappingIds.customers!);
    const group = storeGroups().find((g) => g.mappingId === customers && g.kind === 'INTEGRATION_RECORD_DELETED')!;
    const before = readStore(
      (db) =>
        db
          .prepare(
            'select id, mapping_id, status, kind, message_pattern, coupling_id, local_id from sync_error order by id',
          )
          .all() as {
          id: number;
          mapping_id: number;
          status: string;
          kind: string;
          message_pattern: string;
          coupling_id: number;
          local_id: string;
        }[],
    );
    // A group is one mapping's: another mapping's open errors of the same kind and pattern are not in it.
    const inGroup = (e: (typeof before)[number]) =>
      e.status === 'OPEN' &&
      Number(e.mapping_id) === group.mappingId &&
      e.kind === group.kind &&
      e.message_pattern === group.pattern;
    const targets = before.filter(inGroup);
    expect(targets).toHaveLength(group.count);

    const page = await signIn(browser, api.url, api.adminKey, '/errors?view=groups');
    const row = groupRow(page, group);
    const sent = page.waitForRequest((request) => (request.postData() ?? '').includes('RestoreRecords'));
    await row.getByTestId('group-action-RESTORE_RECORDS').click();
    const dialog = page.getByTestId('action-dialog');
    await expect
      .poll(() => dialog.textContent())
      .toContain(`Restore all ${group.count} ${group.count === 1 ? 'record' : 'records'} in the group`);
    await page.getByTestId('action-confirm').click();
    expect(JSON.parse((await sent).postData()!).variables).toEqual({
      filter: {
        mappingId: mappingIds.customers,
        kinds: ['INTEGRATION_RECORD_DELETED'],
        messagePattern: group.pattern,
        statuses: ['OPEN'],
      },
    });
    await expect
      .poll(() => page.getByTestId('outcome-counts').textContent())
      .toContain(`${group.count} ${group.count === 1 ? 'record' : 'records'} succeeded, 0 records failed`);
    await page.getByTestId('action-done').click();
    // The group is gone from the refreshed list.
    await expect.poll(() => groupRow(page, group).count()).toBe(0);

    const after = readStore(
      (db) =>
        db
          .prepare(
            'select id, mapping_id, status, kind, message_pattern, coupling_id, local_id from sync_error order by id',
          )
          .all() as typeof before,
    );
    for (const error of after) {
      const was = before.find((e) => e.id === error.id)!;
      if (inGroup(was)) expect(error.status).toBe('RESOLVED');
      else expect(error).toEqual(was);
    }
    // Each deleted account is in the CRM again, coupled to its customer.
    withDemoApp('crm', (crm) => {
      for (const target of targets) {
        const found = crm.prepare('select count(*) as n from account where erp_id = ?').get(target.local_id) as {
          n: number;
        };
        expect(Number(found.n)).toBe(1);
      }
    });
    await page.close();
  });

  it('Retry all with a kind filter releases exactly the open errors of that kind', async () => {
    interface ErrorRow {
      id: number;
      status: string;
      kind: string;
      occurred_at: number;
      coupling_id: number | null;
    }
    interface CouplingRow {
      id: number;
      parked: number;
      retry_requested: number;
      failure_count: number;
      state: string;
    }
    const snapshot = () =>
      readStore((db) => ({
        errors: db
          .prepare('select id, status, kind, occurred_at, coupling_id from sync_error order by id')
          .all() as ErrorRow[],
        couplings: db
          .prepare(
            'select id, parked, retry_requested, failure_count, state from coupling where parked = 1 or retry_requested = 1 order by id',
          )
          .all() as CouplingRow[],
        jobs: Number((db.prepare('select count(*) as n from sync_job').get() as { n: number }).n),
        lastLog: Number((db.prepare('select coalesce(max(id), 0) as n from sync_log_entry').get() as { n: number }).n),
      }));
    const before = snapshot();
    const matching = before.errors.filter((e) => e.status === 'OPEN' && e.kind === 'UPDATE_CONFLICT');
    expect(matching.length).toBeGreaterThanOrEqual(CONFLICTS);
    // Something else is open too, so "untouched" is checked on real rows.
    const others = before.errors.filter((e) => !(e.status === 'OPEN' && e.kind === 'UPDATE_CONFLICT'));
    expect(others.some((e) => e.status === 'OPEN')).toBe(true);

    const page = await signIn(browser, api.url, api.adminKey, '/errors?kind=UPDATE_CONFLICT');
    await expect.poll(() => page.getByTestId('retry-all').textContent()).toContain(`Retry all ${matching.length} open`);
    await page.getByTestId('retry-all').click();
    const dialog = page.getByTestId('action-dialog');
    await expect
      .poll(() => dialog.textContent())
      .toContain(`Retry all ${matching.length} open errors matching the filter?`);
    expect(await dialog.textContent()).toContain('queued now');
    // Released for the next job rather than run now, so that what the store holds stays still to check.
    await page.getByTestId('action-run-now').click();
    await expect.poll(() => dialog.textContent()).toContain('next scheduled job');
    const sent = page.waitForRequest((request) => (request.postData() ?? '').includes('RetryAllSyncErrors'));
    await page.getByTestId('action-confirm').click();
    expect(JSON.parse((await sent).postData()!).variables).toEqual({
      filter: { kinds: ['UPDATE_CONFLICT'], statuses: ['OPEN'] },
      runNow: false,
    });
    // Released, not "succeeded"; without Run now no job is named: the next scheduled one runs them.
    await expect
      .poll(async () => ((await page.getByTestId('outcome-counts').textContent()) ?? '').replace(/\s+/g, ' '))
      .toContain(`Released ${matching.length} records for retry — the next scheduled job runs them.`);
    await page.getByTestId('action-done').click();

    // Retry as the API defines it: each coupling released (unparked, marked for retry), the error open
    // until the next job synchronizes it, one RETRY log entry per record; no job queued.
    const after = snapshot();
    const released = new Set(matching.map((e) => e.coupling_id));
    const { couplings, logs } = readStore((db) => ({
      couplings: db
        .prepare(
          `select id, parked, retry_requested, failure_count, state from coupling where id in (${[...released].join(',')})`,
        )
        .all() as CouplingRow[],
      logs: db
        .prepare('select coupling_id, actor from sync_log_entry where id > ? and action = ?')
        .all(before.lastLog, 'RETRY') as { coupling_id: number; actor: string }[],
    }));
    expect(couplings).toHaveLength(released.size);
    for (const coupling of couplings) {
      expect(coupling).toMatchObject({ parked: 0, retry_requested: 1, failure_count: 0, state: 'COUPLED' });
    }
    expect(new Set(logs.map((log) => log.coupling_id))).toEqual(released);
    expect(logs).toHaveLength(matching.length);
    expect(after.errors).toEqual(before.errors);
    expect(after.jobs).toBe(before.jobs);
    // Every other coupling that was parked or marked is exactly as it was.
    expect(after.couplings.filter((c) => !released.has(c.id))).toEqual(
      before.couplings.filter((c) => !released.has(c.id)),
    );
    await page.close();
  });

  it('a viewer sees the groups and can open them, but no actions and no Retry all', async () => {
    const viewerKey = await createApiKey(api, 'VIEWER', 'e2e errors viewer');
    const page = await signIn(browser, api.url, viewerKey, '/errors?view=groups');
    await page.getByTestId('sync-error-group').first().waitFor();
    await expect.poll(() => page.getByTestId('viewer-role').textContent()).toBe('VIEWER');
    expect(await page.locator('[data-testid^="group-action-"]').count()).toBe(0);
    expect(await page.getByTestId('retry-all').count()).toBe(0);
    await page.getByTestId('group-show').first().click();
    await page.waitForURL((url) => url.searchParams.has('pattern'));
    await page.getByTestId('sync-error-row').first().waitFor();
    expect(await page.getByTestId('retry-all').count()).toBe(0);
    await page.close();
  });

  interface StoredError {
    id: number;
    status: string;
    kind: string;
    coupling_id: number | null;
    local_id: string | null;
    integration_id: string | null;
  }

  /** Every error of the customers mapping, as the store holds it. */
  function customerErrors(): StoredError[] {
    return readStore(
      (db) =>
        db
          .prepare(
            'select id, status, kind, coupling_id, local_id, integration_id from sync_error where mapping_id = ? order by id',
          )
          .all(databaseId(mappingIds.customers!)) as StoredError[],
    ).map((row) => ({
      // Plain values only: libsql's rows carry statement timings that would break equality checks.
      id: Number(row.id),
      status: row.status,
      kind: row.kind,
      coupling_id: row.coupling_id === null ? null : Number(row.coupling_id),
      local_id: row.local_id,
      integration_id: row.integration_id,
    }));
  }

  /**
   * New errors, made for real: customers edited in the ERP whose account someone deletes in the CRM, then a
   * job of the customers mapping run through the API. Returns the errors that job opened for them.
   */
  async function deleteAccounts(count: number): Promise<StoredError[]> {
    const customersId = databaseId(mappingIds.customers!);
    const picked = readStore(
      (db) =>
        db
          .prepare(
            `select c.id, c.local_id, c.integration_id from coupling c
             where c.mapping_id = ? and c.state = 'COUPLED' and c.parked = 0 and c.retry_requested = 0
               and c.local_id is not null and c.integration_id is not null
               and not exists (select 1 from sync_error e where e.coupling_id = c.id)
             order by c.id desc limit ?`,
          )
          .all(customersId, count) as { id: number; local_id: string; integration_id: string }[],
    );
    expect(picked).toHaveLength(count);
    withDemoApp('erp', (erp) => {
      const edit = erp.prepare('update customer set phone = ?, modified_at = ? where id = ?');
      for (const c of picked) edit.run('+47 22 00 00 02', new Date().toISOString(), Number(c.local_id));
    });
    withDemoApp('crm', (crm) => {
      const remove = crm.prepare('delete from account where accountid = ?');
      for (const c of picked) remove.run(c.integration_id);
    });
    const run = await gql<{ runSync: { job?: { id: string } } }>(
      'mutation($m: ID!) { runSync(mappingId: $m) { ... on RunSyncPayload { job { id } } } }',
      { m: mappingIds.customers },
    );
    expect(run.runSync.job?.id).toBeTruthy();
    await idle();
    const couplings = new Set(picked.map((c) => Number(c.id)));
    const opened = customerErrors().filter(
      (e) => e.status === 'OPEN' && e.kind === 'INTEGRATION_RECORD_DELETED' && couplings.has(e.coupling_id!),
    );
    expect(opened).toHaveLength(count);
    return opened;
  }

  const sortedIds = (ids: readonly string[]) => ids.map(databaseId).sort((a, b) => a - b);

  /** Counts the page's reads of its list (HTTP; the subscription runs over the WebSocket). */
  function countListReads(page: Page): { count: number } {
    const reads = { count: 0 };
    page.on('request', (request) => {
      if (/query SyncErrors\(/.test(request.postData() ?? '')) reads.count++;
    });
    return reads;
  }

  it('follows new errors live: a job opens them and they appear on the filtered page without a reload', async () => {
    const filter = `mapping=${encodeURIComponent(mappingIds.customers!)}&kind=INTEGRATION_RECORD_DELETED&status=ALL`;
    const deletions = () => customerErrors().filter((e) => e.kind === 'INTEGRATION_RECORD_DELETED');
    const before = deletions();
    // The group restored above: resolved rows the filter still shows, which must stay as they are.
    expect(before.length).toBeGreaterThanOrEqual(DELETIONS);

    const page = await signIn(browser, api.url, api.adminKey, `/errors?${filter}`);
    await page.getByTestId('sync-error-row').first().waitFor();
    expect(sortedIds(await rowIds(page))).toEqual(before.map((e) => e.id));
    await page.evaluate(() => Object.assign(window, { stayedOpen: true }));
    const url = page.url();

    const opened = await deleteAccounts(2);
    // The demo's simulated users delete accounts too: the job may have opened more than these two.
    const expected = deletions().map((e) => e.id);
    for (const error of [...before, ...opened]) expect(expected).toContain(error.id);
    // No reload, no click: the page reads itself again once the job's changes have settled.
    await expect.poll(async () => sortedIds(await rowIds(page)), { timeout: 30_000 }).toEqual(expected);
    await expect.poll(() => page.getByTestId('total-count').textContent()).toBe(`${expected.length} errors match`);
    // Newest first: the errors opened by the job lead, each with the records the store names.
    const shown = await rowIds(page);
    const fresh = expected.length - before.length;
    expect(sortedIds(shown.slice(0, fresh))).toEqual(expected.filter((id) => !before.some((e) => e.id === id)));
    for (const error of opened) {
      const row = page.locator(`[data-testid="sync-error-row"][data-id="${globalId('SyncError', error.id)}"]`);
      expect(await row.textContent()).toContain(error.local_id!);
    }
    expect(page.url()).toBe(url);
    expect(await page.getByTestId('errors-changed').count()).toBe(0);
    expect(await page.evaluate(() => (window as { stayedOpen?: boolean }).stayedOpen)).toBe(true);
    // What was listed before is untouched in the store.
    const after = deletions();
    for (const error of before) expect(after.find((e) => e.id === error.id)).toEqual(error);
    await page.close();
  });

  it('with a row selected, a change only shows "Errors changed": the rows stay until Refresh', async () => {
    const filter = `mapping=${encodeURIComponent(mappingIds.customers!)}&kind=INTEGRATION_RECORD_DELETED`;
    const open = () => customerErrors().filter((e) => e.status === 'OPEN' && e.kind === 'INTEGRATION_RECORD_DELETED');
    const before = open();
    expect(before.length).toBeGreaterThanOrEqual(2);

    const page = await signIn(browser, api.url, api.adminKey, `/errors?${filter}`);
    await page.getByTestId('sync-error-row').first().waitFor();
    const listed = await rowIds(page);
    expect(sortedIds(listed)).toEqual(before.map((e) => e.id));
    await page.evaluate(() => Object.assign(window, { stayedOpen: true }));
    const picked = listed[0]!;
    await page.locator(`[data-testid="sync-error-row"][data-id="${picked}"] [data-testid="select-row"]`).click();
    await page.waitForURL((url) => url.searchParams.get('selected') === picked);
    const reads = countListReads(page);

    const first = await deleteAccounts(1);
    await page.getByTestId('errors-changed').waitFor();
    expect(await page.getByTestId('errors-changed').textContent()).toContain('Errors changed');
    // More changes while the user is busy: still only the notice, the same rows, no read of the list.
    const second = await deleteAccounts(1);
    expect(await page.getByTestId('errors-changed').count()).toBe(1);
    // Ticking another row (a new URL) reads nothing either: the rows stay under the user's hands.
    const also = listed[1]!;
    await page.locator(`[data-testid="sync-error-row"][data-id="${also}"] [data-testid="select-row"]`).click();
    await page.waitForURL((url) => url.searchParams.get('selected') === `${picked},${also}`);
    await expect.poll(() => checkedIds(page)).toEqual([picked, also]);
    expect(await rowIds(page)).toEqual(listed);
    expect(reads.count).toBe(0);
    await page.locator(`[data-testid="sync-error-row"][data-id="${also}"] [data-testid="select-row"]`).click();
    await page.waitForURL((url) => url.searchParams.get('selected') === picked);
    expect(await rowIds(page)).toEqual(listed);
    expect(await checkedIds(page)).toEqual([picked]);
    expect(reads.count).toBe(0);

    // Refresh by keyboard: a real button, reachable and pressed with Enter.
    await page.getByTestId('errors-refresh').focus();
    await page.keyboard.press('Enter');
    // What the store holds open now (the demo's simulated users may have deleted accounts too).
    const expected = open().map((e) => e.id);
    for (const error of [...before, ...first, ...second]) expect(expected).toContain(error.id);
    await expect.poll(async () => sortedIds(await rowIds(page)), { timeout: 15_000 }).toEqual(expected);
    await expect.poll(() => page.getByTestId('errors-changed').count()).toBe(0);
    expect(reads.count).toBeGreaterThan(0);
    // The selection stayed (its row is still listed), and the page was never reloaded.
    expect(await checkedIds(page)).toEqual([picked]);
    expect(new URL(page.url()).searchParams.get('selected')).toBe(picked);
    expect(await page.evaluate(() => (window as { stayedOpen?: boolean }).stayedOpen)).toBe(true);
    // Looking is not acting: the errors listed before are as they were.
    const after = customerErrors();
    for (const error of before) expect(after.find((e) => e.id === error.id)).toEqual(error);
    await page.close();
  });

  it('Restore records over a filter names every refused item, from every page, with its records and log links', async () => {
    const all = customerErrors();
    const open = all.filter((e) => e.status === 'OPEN');
    const restorable = open.filter((e) => e.kind === 'INTEGRATION_RECORD_DELETED' || e.kind === 'LOCAL_RECORD_DELETED');
    const refused = open.filter((e) => !restorable.includes(e));
    expect(restorable.length).toBeGreaterThan(0);
    // More than a page of refusals: some of them are on pages the browser never loaded.
    expect(refused.length).toBeGreaterThan(50);

    const page = await signIn(
      browser,
      api.url,
      api.adminKey,
      `/errors?mapping=${encodeURIComponent(mappingIds.customers!)}`,
    );
    await page.getByTestId('sync-error-row').first().waitFor();
    await expect.poll(() => page.getByTestId('total-count').textContent()).toBe(`${open.length} errors match`);
    const firstPage = new Set(await rowIds(page));
    await page.locator('[data-testid="select-page"]').click();
    await page.getByTestId('select-all-matching').click();
    await page.waitForURL((url) => url.searchParams.get('selected') === 'all');
    await page.getByTestId('action-RESTORE_RECORDS').click();
    await page.getByTestId('action-confirm').click();
    await expect
      .poll(() => page.getByTestId('outcome-counts').textContent(), { timeout: 30_000 })
      .toContain(`${restorable.length} records succeeded, ${refused.length} records failed`);

    // One line per refused error, named by its error (mapping, kind, records), whichever page it was on.
    const lines = page.getByTestId('outcome-failure');
    expect(await lines.count()).toBe(refused.length);
    const named = await lines.evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.getAttribute('data-id') ?? '',
        title: row.querySelector('[data-testid="failure-title"]')?.textContent?.trim() ?? '',
        local: row.querySelector('[data-testid="failure-record-LOCAL"]')?.getAttribute('href') ?? null,
        integration: row.querySelector('[data-testid="failure-record-INTEGRATION"]')?.getAttribute('href') ?? null,
        text: row.textContent ?? '',
      })),
    );
    expect(sortedIds(named.map((line) => line.id))).toEqual(refused.map((e) => e.id).sort((a, b) => a - b));
    const kindNames: Record<string, string> = { UPDATE_CONFLICT: 'Update conflict', WRITE_FAILED: 'Write failed' };
    const logLink = (href: string | null) => {
      const url = new URL(href ?? '', api.url);
      return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
    };
    const logOf = (side: string, record: string | null) => ({
      path: '/log',
      query: { mapping: mappingIds.customers, side, record },
    });
    for (const line of named) {
      const error = refused.find((e) => e.id === databaseId(line.id))!;
      expect(line.title).toBe(`customers · ${kindNames[error.kind] ?? error.kind} · ${error.local_id}`);
      expect(logLink(line.local)).toEqual(logOf('LOCAL', error.local_id));
      expect(logLink(line.integration)).toEqual(logOf('INTEGRATION', error.integration_id));
      expect(line.text).toContain('ACTION_NOT_APPLICABLE');
      // Never the raw Node id where the error is known.
      expect(line.text).not.toContain(line.id);
    }
    const offPage = named.filter((line) => !firstPage.has(line.id));
    expect(offPage.length).toBeGreaterThan(0);

    // A record link opens that record's sync log.
    const link = page.locator(
      `[data-testid="outcome-failure"][data-id="${offPage[0]!.id}"] [data-testid="failure-record-LOCAL"]`,
    );
    await link.click();
    await page.waitForURL((url) => url.pathname === '/log');
    const error = refused.find((e) => e.id === databaseId(offPage[0]!.id))!;
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      mapping: mappingIds.customers,
      side: 'LOCAL',
      record: error.local_id,
    });

    // In the store: the deletions restored and resolved, every refused error exactly as it was.
    const after = customerErrors();
    for (const error of all) {
      const now = after.find((e) => e.id === error.id)!;
      if (restorable.includes(error)) expect(now.status).toBe('RESOLVED');
      else expect(now).toEqual(error);
    }
    withDemoApp('crm', (crm) => {
      for (const error of restorable) {
        const found = crm.prepare('select count(*) as n from account where erp_id = ?').get(error.local_id) as {
          n: number;
        };
        expect(Number(found.n)).toBe(1);
      }
    });
    await page.close();
  });
});
