import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  createApiKey,
  graphqlRequest,
  requireConsoleBuild,
  startApi,
  waitForDemoError,
} from './api-process';
import { type Browser, CHROMIUM, launchBrowser, signIn } from './chromium';

interface MappingRow {
  id: number;
  name: string;
  direction: string;
  update_conflict_resolution: string;
  deletion_conflict_resolution: string;
  schedule_seconds: number;
  enabled: number;
  updated_at: number;
  [column: string]: unknown;
}

/** The store's mappings and their field mappings, by name: what the API saved, read without the API. */
function storedMappings(dataDir: string): Map<string, { mapping: MappingRow; fields: unknown[] }> {
  const db = new Database(join(dataDir, 'tandem.sqlite'), { readonly: true });
  try {
    const mappings = db.prepare('select * from table_mapping order by name').all() as MappingRow[];
    // A save rewrites the field rows (new ids): their content is what must stay.
    const fields = db.prepare(
      `select local_field, integration_field, direction, constant_value, transform, enabled, use_for_match,
              match_priority, case_sensitive, clear_value_on_failed_sync, position
         from field_mapping where mapping_id = ? order by position`,
    );
    return new Map(mappings.map((mapping) => [mapping.name, { mapping, fields: fields.all(mapping.id) }]));
  } finally {
    db.close();
  }
}

function withoutUpdatedAt(row: MappingRow): Omit<MappingRow, 'updated_at'> {
  const { updated_at: _ignored, ...rest } = row;
  return rest;
}

// Skipped only where the browser is missing (`.ci/run` installs it); everywhere else it must run.
describe.skipIf(!existsSync(CHROMIUM))('the Table mappings page in Chromium against a real `tandem start`', () => {
  let api: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    requireConsoleBuild();
    api = await startApi();
    await waitForDemoError(api);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** A new tab signed in on the mappings page, once the console knows the key's role. */
  async function signInAs(key: string, role: string): Promise<Page> {
    const page = await signIn(browser, api.url, key, '/mappings');
    await expect.poll(() => page.getByTestId('viewer-role').textContent()).toBe(role);
    return page;
  }

  const createKey = (role: 'VIEWER' | 'OPERATOR') => createApiKey(api, role, `e2e ${role.toLowerCase()}`);

  const row = (page: Page, name: string): Locator => page.locator(`[data-testid="mapping-row"][data-name="${name}"]`);
  const cell = (page: Page, name: string, testid: string) => row(page, name).getByTestId(testid).textContent();

  async function openDetail(page: Page, name: string): Promise<void> {
    await page.goto(`${api.url}/mappings`);
    await row(page, name).getByTestId('mapping-link').click();
    await page.waitForURL(/\/mappings\/[^/?]+$/);
    await page.getByTestId('mapping-settings').waitFor();
  }

  it("lists the demo's four mappings with their sides, policies, schedules and live context", async () => {
    const page = await signInAs(api.adminKey, 'ADMIN');
    await page.goto(`${api.url}/`);
    await page.getByRole('link', { name: 'Table mappings' }).click();
    await page.waitForURL(`${api.url}/mappings`);
    await expect.poll(() => page.getByTestId('mapping-row').count()).toBe(4);
    expect(await page.getByTestId('mappings-total').textContent()).toBe('4 mappings');
    expect(await page.title()).toBe('Table mappings · Tandem');

    const expected = {
      customers: {
        local: 'erp · customer',
        integration: 'crm · account',
        direction: 'Both ways',
        update: 'Open a conflict error',
        deletion: 'Open a deletion error',
        schedule: 'every 15 s',
      },
      items: {
        local: 'erp · item',
        integration: 'crm · product',
        direction: 'Both ways',
        update: 'Local wins (send update to integration)',
        deletion: 'Open a deletion error',
        schedule: 'every 30 s',
      },
      contacts: {
        local: 'erp · contact',
        integration: 'crm · contact',
        direction: 'From integration only',
        update: 'Integration wins (get update from integration)',
        deletion: 'Remove the coupling',
        schedule: 'every 20 s',
      },
      // The ERP's companies and the accounts of the Dataverse emulator the demo runs.
      companies: {
        local: 'erp · company',
        integration: 'dataverse · accounts',
        direction: 'Both ways',
        update: 'Open a conflict error',
        deletion: 'Open a deletion error',
        schedule: 'every 20 s',
      },
    };
    for (const [name, settings] of Object.entries(expected)) {
      expect(await cell(page, name, 'mapping-local')).toBe(settings.local);
      expect(await cell(page, name, 'mapping-integration')).toBe(settings.integration);
      expect(await cell(page, name, 'mapping-direction')).toContain(settings.direction);
      expect(await cell(page, name, 'mapping-update-conflicts')).toBe(settings.update);
      expect(await cell(page, name, 'mapping-deletion-conflicts')).toBe(settings.deletion);
      expect(await cell(page, name, 'mapping-schedule')).toBe(settings.schedule);
      expect(await cell(page, name, 'mapping-enabled')).toBe('Enabled');
      // Every demo mapping has run by now: its newest job shows with a status.
      await row(page, name).locator('[data-testid="last-job"][data-status]').waitFor();
    }

    // The rejected product keeps an open error on `items`; its count links to those errors.
    await expect.poll(async () => Number(await cell(page, 'items', 'mapping-errors'))).toBeGreaterThan(0);
    const itemsId = await row(page, 'items').getAttribute('data-id');
    await row(page, 'items').getByTestId('mapping-errors').click();
    await page.waitForURL((url) => url.pathname === '/errors' && url.searchParams.get('mapping') === itemsId);
    await page.getByTestId('sync-error-row').first().waitFor();
    const errorRows = await page.getByTestId('sync-error-row').allTextContents();
    expect(errorRows.every((text) => text.includes('items'))).toBe(true);

    // And the jobs link opens the jobs page narrowed to the mapping.
    await page.goBack();
    const contactsId = await row(page, 'contacts').getAttribute('data-id');
    await row(page, 'contacts').getByTestId('mapping-jobs').click();
    await page.waitForURL((url) => url.pathname === '/jobs' && url.searchParams.get('mapping') === contactsId);
    await page.getByTestId('sync-job-row').first().waitFor();
    const jobRows = await page.getByTestId('sync-job-row').allTextContents();
    expect(jobRows.every((text) => text.includes('contacts'))).toBe(true);

    // The detail page: every setting and the field mappings, read-only; the nav still marks its section.
    await openDetail(page, 'customers');
    const navClasses = await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Table mappings' })
      .getAttribute('class');
    expect(navClasses?.split(' ')).toContain('active');
    expect(await page.getByTestId('setting-schedule').textContent()).toBe('every 15 s');
    expect(await page.getByTestId('mapping-side-integration').textContent()).toContain('erp_id');
    expect(await page.getByTestId('field-row').count()).toBe(4);
    expect(await page.locator('[data-testid="field-row"][data-local="email"]').textContent()).toContain('priority 0');

    // An id that names no mapping (here a job's id) says so instead of failing to load.
    const { syncJobs } = await graphqlRequest<{ syncJobs: { edges: { node: { id: string } }[] } }>(
      api,
      api.adminKey,
      '{ syncJobs(first: 1) { edges { node { id } } } }',
    );
    await page.goto(`${api.url}/mappings/${encodeURIComponent(syncJobs.edges[0]!.node.id)}`);
    await page.getByTestId('mapping-missing').waitFor();
    await page.goto(`${api.url}/mappings/${Buffer.from('TableMapping:999').toString('base64')}`);
    await expect
      .poll(() => page.getByTestId('mapping-missing').textContent())
      .toContain('No table mapping has this id');
    await page.close();
  });

  it('an admin changes the update-conflict policy and schedule of customers; only that mapping changes', async () => {
    const before = storedMappings(api.dataDir);
    const page = await signInAs(api.adminKey, 'ADMIN');
    await openDetail(page, 'customers');

    await page.getByTestId('form-update-conflicts').click();
    await page.locator('.n-base-select-option', { hasText: 'Integration wins' }).click();
    await page.getByTestId('form-schedule').locator('input').fill('45');
    await expect.poll(() => page.getByTestId('form-schedule-hint').textContent()).toContain('every 45 s');

    let updates = 0;
    page.on('request', (request) => {
      if ((request.postData() ?? '').includes('UpdateTableMapping')) updates += 1;
    });
    // Escape closes the confirmation without saving; the form keeps the edits.
    const dialog = page.getByTestId('mapping-save-dialog');
    await page.getByTestId('mapping-save').click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(updates).toBe(0);

    const sent = page.waitForRequest((request) => (request.postData() ?? '').includes('UpdateTableMapping'));
    await page.getByTestId('mapping-save').click();
    await dialog.waitFor();
    const changes = await page.getByTestId('mapping-save-change').allTextContents();
    expect(changes).toEqual([
      'Update conflicts: Open a conflict error → Integration wins (get update from integration)',
      'Schedule: every 15 s → every 45 s',
    ]);
    // The confirm button has the focus: Enter saves.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('mapping-save-confirm');
    await page.keyboard.press('Enter');

    // Only what changed is sent.
    expect(JSON.parse((await sent).postData()!).variables.patch).toEqual({
      updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION',
      scheduleSeconds: 45,
    });
    await expect.poll(() => page.locator('.n-message').textContent()).toContain('customers saved');
    expect(updates).toBe(1);
    await expect
      .poll(() => page.getByTestId('setting-update-conflicts').textContent())
      .toBe('Integration wins (get update from integration)');
    expect(await page.getByTestId('setting-schedule').textContent()).toBe('every 45 s');

    // The store: customers has the new values and nothing else changed; the other mappings are untouched.
    const after = storedMappings(api.dataDir);
    const customers = after.get('customers')!;
    expect(customers.mapping.update_conflict_resolution).toBe('GET_UPDATE_FROM_INTEGRATION');
    expect(customers.mapping.schedule_seconds).toBe(45);
    expect(withoutUpdatedAt(customers.mapping)).toEqual({
      ...withoutUpdatedAt(before.get('customers')!.mapping),
      update_conflict_resolution: 'GET_UPDATE_FROM_INTEGRATION',
      schedule_seconds: 45,
    });
    expect(customers.fields).toEqual(before.get('customers')!.fields);
    expect(after.get('items')).toEqual(before.get('items'));
    expect(after.get('contacts')).toEqual(before.get('contacts'));
    expect(after.get('companies')).toEqual(before.get('companies'));

    // After a reload, the detail and the list show what the store holds.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('setting-update-conflicts').textContent())
      .toBe('Integration wins (get update from integration)');
    expect(await page.getByTestId('setting-schedule').textContent()).toBe('every 45 s');
    await page.goto(`${api.url}/mappings`);
    await expect.poll(() => cell(page, 'customers', 'mapping-schedule')).toBe('every 45 s');
    expect(await cell(page, 'customers', 'mapping-update-conflicts')).toBe(
      'Integration wins (get update from integration)',
    );
    expect(await cell(page, 'items', 'mapping-schedule')).toBe('every 30 s');
    await page.close();
  });

  it('a negative schedule is refused with a clear message, and nothing is sent or stored', async () => {
    const before = storedMappings(api.dataDir);
    const page = await signInAs(api.adminKey, 'ADMIN');
    let updates = 0;
    page.on('request', (request) => {
      if ((request.postData() ?? '').includes('UpdateTableMapping')) updates += 1;
    });
    await openDetail(page, 'items');

    await page.getByTestId('form-schedule').locator('input').fill('-5');
    await expect
      .poll(() => page.getByTestId('form-schedule-error').textContent())
      .toContain('The schedule cannot be negative');
    await page.getByTestId('mapping-save').click();
    await expect.poll(() => page.getByTestId('mapping-form-invalid').textContent()).toContain('cannot be negative');
    expect(await page.getByTestId('mapping-save-dialog').count()).toBe(0);

    // Discarding brings the stored value back into the form.
    await page.getByTestId('mapping-reset').click();
    await expect.poll(() => page.getByTestId('form-schedule').locator('input').inputValue()).toBe('30');
    // (polled: Naive UI fades the old message out)
    await expect.poll(() => page.getByTestId('form-schedule-error').count()).toBe(0);

    expect(updates).toBe(0);
    expect(storedMappings(api.dataDir)).toEqual(before);
    await page.close();
  });

  it('an admin filters items with a condition row; an unknown column is refused and stores nothing', async () => {
    const before = storedMappings(api.dataDir);
    const page = await signInAs(api.adminKey, 'ADMIN');
    await openDetail(page, 'items');
    const local = page.getByTestId('form-filter-local');
    await local.getByTestId('filter-add').click();
    // A column that is not mapped can be typed in; this one is a typo.
    await local.getByTestId('filter-field').click();
    await page.keyboard.type('unit_pricee');
    await page.keyboard.press('Enter');
    await local.getByTestId('filter-operator').click();
    await page.locator('.n-base-select-option', { hasText: '≥' }).click();
    await local.getByTestId('filter-value').locator('input').fill('10');

    const dialog = page.getByTestId('mapping-save-dialog');
    await page.getByTestId('mapping-save').click();
    await dialog.waitFor();
    expect(await page.getByTestId('mapping-save-change').allTextContents()).toEqual([
      'Local filter: none → unit_pricee ≥ 10',
    ]);
    const refused = page.waitForRequest((request) => (request.postData() ?? '').includes('UpdateTableMapping'));
    await page.getByTestId('mapping-save-confirm').click();
    expect(JSON.parse((await refused).postData()!).variables.patch).toEqual({
      localFilters: [{ field: 'unit_pricee', operator: 'GE', value: 10 }],
    });
    await expect
      .poll(() => page.getByTestId('mapping-save-problem').textContent())
      .toContain('patch.localFilters[0].field: column "unit_pricee" does not exist in table item');
    expect(storedMappings(api.dataDir)).toEqual(before);

    // The mapped column from the list; saved, shown in the settings and stored as data, not SQL.
    await local.getByTestId('filter-field').click();
    await page.locator('.n-base-select-option', { hasText: /^unit_price$/ }).click();
    await page.getByTestId('mapping-save').click();
    await dialog.waitFor();
    expect(await page.getByTestId('mapping-save-change').allTextContents()).toEqual([
      'Local filter: none → unit_price ≥ 10',
    ]);
    await page.getByTestId('mapping-save-confirm').click();
    await expect.poll(() => page.getByTestId('setting-local-filter').textContent()).toContain('unit_price ≥ 10');
    const items = storedMappings(api.dataDir).get('items')!.mapping;
    expect(JSON.parse(String(items.local_filters))).toEqual([{ field: 'unit_price', operator: 'GE', value: 10 }]);
    expect(items.local_filter).toBeNull();
    await page.close();
  });

  it('a viewer sees every setting but no edit form and no run buttons; an operator may run but not edit', async () => {
    const viewer = await signInAs(await createKey('VIEWER'), 'VIEWER');
    await expect.poll(() => viewer.getByTestId('mapping-row').count()).toBe(4);
    expect(await viewer.getByTestId('run-panel').count()).toBe(0);
    await openDetail(viewer, 'contacts');
    expect(await viewer.getByTestId('setting-deletion-conflicts').textContent()).toBe('Remove the coupling');
    expect(await viewer.getByTestId('field-row').count()).toBe(3);
    expect(await viewer.getByTestId('mapping-edit').count()).toBe(0);
    expect(await viewer.getByTestId('mapping-form').count()).toBe(0);
    expect(await viewer.getByTestId('mapping-save').count()).toBe(0);
    expect(await viewer.getByTestId('run-panel').count()).toBe(0);
    // No button at all on the page (the header's Sign out is not part of it), nor a form input.
    expect(await viewer.locator('.page button').count()).toBe(0);
    expect(await viewer.locator('.page input').count()).toBe(0);
    await viewer.close();

    const operator = await signInAs(await createKey('OPERATOR'), 'OPERATOR');
    await openDetail(operator, 'contacts');
    await operator.getByTestId('run-now-contacts').waitFor();
    expect(await operator.getByTestId('mapping-edit').count()).toBe(0);
    expect(await operator.getByTestId('mapping-save').count()).toBe(0);
    await operator.close();
  });

  it("a viewer's open mapping page and list show another admin's change without a reload", async () => {
    const key = await createKey('VIEWER');
    const viewer = await signInAs(key, 'VIEWER');
    // Each tab signs in on its own (its own sessionStorage): one on the list, one on the mapping.
    const list = await signInAs(key, 'VIEWER');
    await row(list, 'contacts').waitFor();
    await openDetail(viewer, 'contacts');
    const before = await viewer.getByTestId('setting-schedule').textContent();
    // Survives only if the page is never reloaded.
    await viewer.evaluate(() => Object.assign(window, { stayedOpen: true }));
    const { tableMappings } = await graphqlRequest<{ tableMappings: { id: string; name: string }[] }>(
      api,
      api.adminKey,
      '{ tableMappings { id name } }',
    );
    const contacts = tableMappings.find((mapping) => mapping.name === 'contacts')!;
    await graphqlRequest(
      api,
      api.adminKey,
      'mutation($id: ID!) { updateTableMapping(id: $id, patch: { scheduleSeconds: 120 }) { __typename } }',
      { id: contacts.id },
    );
    expect(before).not.toBe('every 2 min');
    await expect.poll(() => viewer.getByTestId('setting-schedule').textContent()).toBe('every 2 min');
    await expect.poll(() => cell(list, 'contacts', 'mapping-schedule')).toBe('every 2 min');
    expect(await viewer.evaluate(() => (window as { stayedOpen?: boolean }).stayedOpen)).toBe(true);
    await viewer.close();
    await list.close();
  });
});
