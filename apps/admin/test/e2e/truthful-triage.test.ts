import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, waitFor } from './api-process';
import {
  type CustomerPair,
  createCustomerPairs,
  crmAccount,
  type DemoApps,
  deleteInIntegration,
  erpCustomer,
  renameLocal,
  renameOnBothSides,
} from './demo-db';
import { startTriageDemo, type TriageDemo } from './triage-demo';
import { askAction, type Browser, CHROMIUM, errorRow, launchBrowser, signIn, tickRows } from './triage-page';
import {
  couplingById,
  couplingOfLocal,
  jobsSince,
  many,
  one,
  openErrorOfCoupling,
  type Store,
  type StoredError,
  storedError,
} from './triage-store';
import { globalId, runSyncAndWait, waitForJob } from './triage-sync';

const ACTOR = 'admin'; // the name of the key `tandem start` creates and prints on a first start

/**
 * Issue 14's truthful triage, in Chromium against a real `tandem start` demo: Retry says what it released
 * and follows its job to how it ended; the detail panel offers exactly the API's applicable actions and
 * warns before a retry that would meet the same conflict; the bulk buttons count by the API; "Synchronize
 * now" runs a manual job for one record and its log shows the result with the actor; a record whose
 * coupling was deleted or removed still opens with its whole history. Checked in the store and both apps.
 * The customers mapping runs only when a test asks (its schedule is off), as in triage-actions.test.ts.
 */
describe.skipIf(!existsSync(CHROMIUM))('truthful triage and records synchronized by hand', () => {
  let demo: TriageDemo;
  let api: ApiProcess;
  let apps: DemoApps;
  let store: Store;
  let browser: Browser;
  let customers: string;
  let customersId: number;
  const pairs: Record<string, CustomerPair[]> = {};

  beforeAll(async () => {
    demo = await startTriageDemo();
    ({ api, store, apps, customers, customersId } = demo);
    for (const [tag, count] of Object.entries({ retry: 2, mixed: 2, now: 1, gone: 1 })) {
      pairs[tag] = createCustomerPairs(apps, `truth-${tag}`, count);
    }
    await runSyncAndWait(api, store, customers);
    for (const pair of Object.values(pairs).flat()) {
      expect(couplingOfLocal(store, customersId, pair.localId)?.state).toBe('COUPLED');
    }
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const couplingIdOf = (pair: CustomerPair) => couplingOfLocal(store, customersId, pair.localId)!.id;
  const rowId = (error: StoredError) => globalId('SyncError', error.id);

  function openError(pair: CustomerPair, kind: string): StoredError {
    const error = openErrorOfCoupling(store, couplingIdOf(pair));
    expect(error?.kind).toBe(kind);
    return error!;
  }

  async function errorsPage(query: string): Promise<Page> {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.goto(`${api.url}/errors?${query}`);
    await page.getByTestId('sync-error-row').first().waitFor();
    return page;
  }

  /** A node's text as the browser shows it: runs of white space from the template's lines read as one. */
  const shown = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  async function detailActions(page: Page): Promise<string[]> {
    const buttons = page.locator('[data-testid="error-detail"] [data-testid^="detail-action-"]');
    return (await buttons.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid') ?? ''))).map(
      (id) => id.replace('detail-action-', ''),
    );
  }

  it('warns before a retry that would meet the same conflict; Retry says what it released, follows its job and links the errors that came back', async () => {
    const [fixed, still] = pairs.retry as [CustomerPair, CustomerPair];
    const original = erpCustomer(apps, fixed.localId)!.name;
    renameOnBothSides(apps, pairs.retry!, (pair) => ({
      local: `Truth ${pair.localId} (ERP)`,
      integration: `Truth ${pair.localId} (CRM)`,
    }));
    await runSyncAndWait(api, store, customers);
    const errors = [openError(fixed, 'UPDATE_CONFLICT'), openError(still, 'UPDATE_CONFLICT')];
    // Someone takes the ERP's edit of the first back: only the CRM's change is left, which a retry can
    // sync; the second still differs on both sides.
    renameLocal(apps, [{ pair: fixed, name: original }]);

    const page = await errorsPage(`mapping=${encodeURIComponent(customers)}&kind=UPDATE_CONFLICT`);
    // The detail panel reads both apps: the conflict that still differs warns and points to Synchronize.
    await errorRow(page, rowId(errors[1]!)).getByTestId('open-detail').click();
    const warning = page.getByTestId('detail-retry-would-repeat');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Retry would meet the same conflict');
    expect(await warning.textContent()).toContain('Go to Synchronize');
    // Exactly the API's applicable actions: Retry and Remove coupling here, Synchronize in its own form.
    expect(await detailActions(page)).toEqual(['RETRY', 'REMOVE_COUPLING']);
    expect(await page.getByTestId('detail-synchronize').count()).toBe(1);
    // An open error parks its coupling: no "Synchronize now" that could only be refused.
    expect(await page.getByTestId('synchronize-now').count()).toBe(0);
    // The settled one: no warning (no field is changed on both sides any more).
    await page.goto(
      `${api.url}/errors?mapping=${encodeURIComponent(customers)}&kind=UPDATE_CONFLICT&error=${encodeURIComponent(rowId(errors[0]!))}`,
    );
    await page.getByTestId('detail-message').waitFor();
    await page.getByTestId('compare-field').first().waitFor();
    expect(await page.getByTestId('detail-retry-would-repeat').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail-message').count()).toBe(0);

    await tickRows(page, errors.map(rowId));
    const dialog = await askAction(page, 'RETRY');
    const since = Date.now();
    await page.getByTestId('action-confirm').click();
    const counts = page.getByTestId('outcome-counts');
    await counts.waitFor();
    const retryJob = await waitFor('the RETRY job', async () => jobsSince(store, customersId, 'RETRY', since)[0]);
    // Released, not "succeeded": and the job that runs them, by its own number, linked.
    expect(await shown(counts)).toContain(`Released 2 records for retry — job #${retryJob.id} runs them.`);
    expect(await counts.textContent()).not.toContain('succeeded');
    expect(await dialog.getByTestId('outcome-job-link').getAttribute('href')).toBe(
      `/jobs/${globalId('SyncJob', retryJob.id)}`,
    );
    // Followed live until it ends: how it ended for exactly these records.
    await waitForJob(store, retryJob.id);
    const follow = dialog.getByTestId('follow-job');
    await expect.poll(() => follow.getAttribute('data-status'), { timeout: 20_000 }).toBe('PARTIAL');
    expect(await shown(follow)).toContain(
      `Job #${retryJob.id} ended (Partial): 2 retried: 1 synchronized, 1 failed again.`,
    );
    expect(storedError(store, errors[0]!.id)).toMatchObject({ status: 'RESOLVED', resolution: 'SYNCED' });
    expect(storedError(store, errors[1]!.id)).toMatchObject({ status: 'OPEN', job_id: retryJob.id });
    expect(erpCustomer(apps, fixed.localId)?.name).toBe(`Truth ${fixed.localId} (CRM)`);

    // The errors that came back: the list filtered by that job holds exactly the one that conflicts again.
    await dialog.getByTestId('follow-errors-link').click();
    await page.waitForURL((url) => url.searchParams.get('job') === globalId('SyncJob', retryJob.id));
    await expect
      .poll(async () =>
        (
          await page.getByTestId('sync-error-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))
        ).join(),
      )
      .toBe(rowId(errors[1]!));
    expect(await page.getByTestId('filter-job').textContent()).toContain(`job #${retryJob.id}`);
    const cameBack = many<{ id: number }>(
      store,
      "select id from sync_error where job_id = ? and status = 'OPEN'",
      retryJob.id,
    );
    expect(cameBack.map((e) => e.id)).toEqual([errors[1]!.id]);

    // The resolved one's pair is coupled and free again: its detail panel offers "Synchronize now", and no
    // triage action (the API's applicableActions of a resolved error is empty).
    await page.goto(`${api.url}/errors?status=RESOLVED&error=${encodeURIComponent(rowId(errors[0]!))}`);
    await page.getByTestId('synchronize-now').waitFor();
    expect(await detailActions(page)).toEqual([]);
    renameLocal(apps, [{ pair: fixed, name: `Truth ${fixed.localId} settled (ERP)` }]);
    await page.getByTestId('synchronize-now').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Synchronize now' }).click();
    const result = page.getByTestId('synchronize-now-result');
    await result.waitFor();
    expect(await shown(result)).toContain('1 of 1 queued.');
    const manual = await waitFor('the manual job', async () => jobsSince(store, customersId, 'MANUAL', since)[0]);
    await waitForJob(store, manual.id);
    await expect
      .poll(() => shown(page.getByTestId('follow-outcome')), { timeout: 20_000 })
      .toBe('1 synchronized, 0 failed.');
    expect(crmAccount(apps, fixed.integrationId)?.name).toBe(`Truth ${fixed.localId} settled (ERP)`);
    await page.close();
  });

  it('the bulk buttons count by the API ("Restore records 1 of 2") and are disabled where no selected error allows them', async () => {
    const [conflicted, deleted] = pairs.mixed as [CustomerPair, CustomerPair];
    renameOnBothSides(apps, [conflicted], (pair) => ({
      local: `Mixed ${pair.localId} (ERP)`,
      integration: `Mixed ${pair.localId} (CRM)`,
    }));
    deleteInIntegration(apps, deleted, `Mixed ${deleted.localId} (ERP)`);
    await runSyncAndWait(api, store, customers);
    const conflict = openError(conflicted, 'UPDATE_CONFLICT');
    const deletion = openError(deleted, 'INTEGRATION_RECORD_DELETED');

    const page = await errorsPage(`mapping=${encodeURIComponent(customers)}`);
    const asked = page.waitForRequest((request) => {
      const body = request.postData() ?? '';
      return body.includes('syncErrorActionCounts') && JSON.parse(body).variables?.ids?.length === 2;
    });
    await tickRows(page, [rowId(conflict), rowId(deletion)]);
    // The picked ids go to the API, which counts by its own rule.
    expect(JSON.parse((await asked).postData()!).variables.ids.sort()).toEqual(
      [rowId(conflict), rowId(deletion)].sort(),
    );
    const label = (action: string) => page.getByTestId(`action-${action}`).textContent();
    await expect.poll(() => label('RESTORE_RECORDS')).toBe('Restore records 1 of 2');
    expect(await label('SYNCHRONIZE')).toBe('Synchronize 1 of 2');
    expect(await label('RETRY')).toBe('Retry 1 of 2');
    expect(await label('DELETE_RECORDS')).toBe('Delete records 1 of 2');
    expect(await label('REMOVE_COUPLING')).toBe('Remove coupling');

    // Only the deletion: Retry and Synchronize cannot act on it, so they are disabled.
    await errorRow(page, rowId(conflict)).getByTestId('select-row').click();
    // (While the API counts the new selection, every button waits disabled: no stale count is shown.)
    await expect.poll(() => page.getByTestId('action-RESTORE_RECORDS').isEnabled(), { timeout: 20_000 }).toBe(true);
    expect(await label('RESTORE_RECORDS')).toBe('Restore records');
    expect(await page.getByTestId('action-RETRY').isDisabled()).toBe(true);
    expect(await page.getByTestId('action-SYNCHRONIZE').isDisabled()).toBe(true);

    // The deletion's detail panel: exactly Restore, Delete and Remove coupling; no Synchronize form.
    await errorRow(page, rowId(deletion)).getByTestId('open-detail').click();
    await page.getByTestId('detail-message').waitFor();
    await expect.poll(() => detailActions(page)).toEqual(['RESTORE_RECORDS', 'DELETE_RECORDS', 'REMOVE_COUPLING']);
    expect(await page.getByTestId('detail-synchronize').count()).toBe(0);
    expect(await page.getByTestId('detail-retry-would-repeat').count()).toBe(0);
    await page.close();
    // Looking changed nothing.
    expect(storedError(store, conflict.id)?.status).toBe('OPEN');
    expect(storedError(store, deletion.id)?.status).toBe('OPEN');
  });

  it('"Synchronize now" on a record\'s log: a manual job in the admin\'s name, its result, and the new entry with the actor', async () => {
    const [pair] = pairs.now as [CustomerPair];
    renameLocal(apps, [{ pair, name: `Now ${pair.localId} (ERP)` }]);
    const page = await signIn(browser, api.url, api.adminKey, '/');
    await page.goto(`${api.url}/log?mapping=${encodeURIComponent(customers)}&side=LOCAL&record=${pair.localId}`);
    await page.getByTestId('log-entry').first().waitFor();
    const before = await page.getByTestId('log-entry').count();
    expect(await page.getByTestId('synchronize-now-box').textContent()).toContain(
      "In the mapping's direction (both ways), by its conflict rules.",
    );
    const since = Date.now();
    await page.getByTestId('synchronize-now').click();
    const confirm = page.locator('.n-dialog');
    expect(await confirm.textContent()).toContain(`Synchronize local ${pair.localId} now?`);
    await confirm.getByRole('button', { name: 'Synchronize now' }).click();
    await page.getByTestId('synchronize-now-result').waitFor();
    expect(await page.getByTestId('synchronize-now-result').textContent()).toContain('1 of 1 queued.');
    const job = await waitFor('the manual job', async () => jobsSince(store, customersId, 'MANUAL', since)[0]);
    expect(await page.getByTestId('follow-job-link').textContent()).toContain(`Job #${job.id}`);
    await waitForJob(store, job.id);
    await expect
      .poll(() => shown(page.getByTestId('follow-outcome')), { timeout: 20_000 })
      .toBe('1 synchronized, 0 failed.');

    // The log read again: the job's entry on top, by the admin.
    await expect.poll(() => page.getByTestId('log-entry').count(), { timeout: 20_000 }).toBe(before + 1);
    const newest = await page.getByTestId('log-entry').first().textContent();
    expect(newest).toContain('Updated');
    expect(newest).toContain(`by ${ACTOR}`);
    // The store and the apps: a MANUAL job requested by the admin, an UPDATE entry in its name, the CRM updated.
    expect(one(store, 'select trigger, requested_by from sync_job where id = ?', job.id)).toEqual({
      trigger: 'MANUAL',
      requested_by: ACTOR,
    });
    const entries = many<{ action: string; actor: string }>(
      store,
      'select action, actor from sync_log_entry where job_id = ?',
      job.id,
    );
    expect(entries).toEqual([{ action: 'UPDATE', actor: ACTOR }]);
    expect(crmAccount(apps, pair.integrationId)?.name).toBe(`Now ${pair.localId} (ERP)`);

    // A record with no coupling in the mapping: nothing queued, and the reason per item.
    await page.goto(`${api.url}/log?mapping=${encodeURIComponent(customers)}&side=LOCAL&record=no-such-record`);
    await page.getByTestId('log-empty').waitFor();
    const jobsBefore = many(store, 'select id from sync_job where mapping_id = ?', customersId).length;
    await page.getByTestId('synchronize-now').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Synchronize now' }).click();
    await page.getByTestId('synchronize-now-failure').waitFor();
    expect(await page.getByTestId('synchronize-now-result').textContent()).toContain('0 of 1 queued.');
    expect(await page.getByTestId('synchronize-now-failure').textContent()).toContain('NOT_COUPLED');
    expect(await page.getByTestId('follow-job').count()).toBe(0);
    expect(many(store, 'select id from sync_job where mapping_id = ?', customersId).length).toBe(jobsBefore);
    await page.close();
  });

  it('a record whose coupling was deleted (Delete records) opens its log with every entry, the DELETE by the admin included', async () => {
    const [pair] = pairs.gone as [CustomerPair];
    deleteInIntegration(apps, pair, `Gone ${pair.localId} (ERP)`);
    await runSyncAndWait(api, store, customers);
    const error = openError(pair, 'INTEGRATION_RECORD_DELETED');
    const page = await errorsPage(`mapping=${encodeURIComponent(customers)}&kind=INTEGRATION_RECORD_DELETED`);
    await tickRows(page, [rowId(error)]);
    await askAction(page, 'DELETE_RECORDS');
    await page.getByTestId('action-confirm').click();
    await expect.poll(() => page.getByTestId('outcome-counts').textContent()).toContain('1 record succeeded');
    expect(couplingById(store, error.coupling_id!)).toBeUndefined();
    expect(erpCustomer(apps, pair.localId)).toBeUndefined();
    const stored = many<{ id: number }>(
      store,
      'select id from sync_log_entry where local_id = ? and mapping_id = ?',
      pair.localId,
      customersId,
    );
    expect(stored.length).toBeGreaterThanOrEqual(3); // coupled, conflict-free sync, deleted, DELETE

    // From the outcome? The record's own log page, by its identity.
    await page.goto(`${api.url}/log?mapping=${encodeURIComponent(customers)}&side=LOCAL&record=${pair.localId}`);
    await expect.poll(() => page.getByTestId('log-entry').count()).toBe(stored.length);
    expect(await page.getByText('could not be loaded').count()).toBe(0);
    expect(await page.getByTestId('log-no-coupling').textContent()).toContain('Not coupled any more');
    const newest = await page.getByTestId('log-entry').first().textContent();
    expect(newest).toContain(`by ${ACTOR}`);
    await page.close();
  });
  it('the Table mappings pages in Swedish (Business Central’s terms): the list, a mapping and an admin’s change saved through the Swedish form', async () => {
    const page = await signIn(browser, api.url, api.adminKey, '/mappings');
    await page.getByTestId('locale-switch').selectOption('sv');
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe('Integrationstabellmappningar');
    const customersRow = page.locator('[data-testid="mapping-row"][data-name="customers"]');
    await customersRow.waitFor();
    const headings = await page.getByTestId('mapping-table').locator('th').allTextContents();
    for (const heading of [
      'Mappning',
      'Tabell',
      'Riktning',
      'Integrationstabell',
      'Lösning av uppdateringskonflikt',
      'Lösning av borttagningskonflikt',
      'Schema',
      'Öppna fel',
      'Senaste jobb',
    ]) {
      expect(headings.map((text) => text.trim())).toContain(heading);
    }
    expect(await shown(customersRow.getByTestId('mapping-direction'))).toBe('⇄ Dubbelriktad');
    expect(await customersRow.getByTestId('mapping-schedule').textContent()).toBe('endast manuellt');
    expect(await customersRow.getByTestId('mapping-update-conflicts').textContent()).toBe('Öppna ett konfliktfel');

    await customersRow.getByTestId('mapping-link').click();
    await page.getByTestId('mapping-settings').waitFor();
    const settings = await shown(page.getByTestId('mapping-settings'));
    for (const term of [
      'Synkronisera endast kopplade poster',
      'Skapa ny om ingen matchning',
      'Lösning av borttagningskonflikt',
      'Id-kolumn',
    ]) {
      expect(settings).toContain(term);
    }
    expect(await shown(page.locator('.n-card-header', { hasText: 'Integrationsfältmappningar' }))).toMatch(
      /^Integrationsfältmappningar \(\d+\)$/,
    );
    // A value the form refuses, in Swedish, and nothing sent.
    const park = page.getByTestId('form-park-after').locator('input');
    await park.fill('0');
    await park.press('Tab');
    await expect
      .poll(() => shown(page.getByTestId('mapping-edit')))
      .toContain('En post parkeras efter minst 1 misslyckande.');
    // A change saved through the Swedish confirmation.
    const before = one<{ park_after_failures: number }>(
      store,
      'select park_after_failures from table_mapping where id = ?',
      customersId,
    )!;
    const next = before.park_after_failures + 1;
    await park.fill(String(next));
    await park.press('Tab');
    await expect.poll(() => shown(page.getByTestId('mapping-edit'))).not.toContain('En post parkeras');
    await page.getByTestId('mapping-save').click();
    const dialog = page.getByTestId('mapping-save-dialog');
    await dialog.waitFor();
    expect(await shown(dialog)).toContain('Spara ändringarna i customers?');
    expect(await page.getByTestId('mapping-save-change').allTextContents()).toEqual([
      `Parkera efter misslyckanden: efter ${before.park_after_failures} misslyckanden i rad → efter ${next} misslyckanden i rad`,
    ]);
    await page.getByTestId('mapping-save-confirm').click();
    await expect.poll(() => shown(page.getByTestId('setting-park-after'))).toBe(`${next} i rad`);
    expect(one(store, 'select park_after_failures from table_mapping where id = ?', customersId)).toEqual({
      park_after_failures: next,
    });
    await page.close();
  });
});
