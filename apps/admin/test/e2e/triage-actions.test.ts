import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, waitFor } from './api-process';
import {
  type CustomerPair,
  createCustomerPairs,
  crmAccount,
  crmAccountsByEmail,
  type DemoApps,
  deleteInIntegration,
  deleteLocally,
  erpCustomer,
  erpCustomersByEmail,
  renameIntegration,
  renameOnBothSides,
} from './demo-db';
import { startTriageDemo, type TriageDemo } from './triage-demo';
import {
  askAction,
  type Browser,
  CHROMIUM,
  confirmAction,
  errorRow,
  launchBrowser,
  signIn,
  tickRows,
} from './triage-page';
import {
  couplingById,
  couplingOfLocal,
  errorsOfCoupling,
  jobsSince,
  logOfCoupling,
  many,
  openErrorOfCoupling,
  type Store,
  type StoredError,
  snapshotOf,
  storedError,
} from './triage-store';
import { globalId, runSyncAndWait, waitForJob } from './triage-sync';

const ACTOR = 'admin'; // the name of the key `tandem start` creates and prints on a first start

/**
 * Each triage action of the errors page, run in Chromium against a real `tandem start` demo on errors
 * made for real (records changed in the demo apps' SQLite files, then a customers job), and checked in
 * the store and both apps afterwards — including that the errors and records not acted on stay as they
 * were. The customers mapping (update and deletion policy NONE: its errors stay open) runs only when a
 * test asks; the demo's simulated people keep editing all the while.
 */
describe.skipIf(!existsSync(CHROMIUM))('triage actions in the console, checked in the databases', () => {
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
    for (const [tag, count] of Object.entries({ retry: 3, sync: 3, restore: 3, delete: 3, uncouple: 1, bulk: 1000 })) {
      pairs[tag] = createCustomerPairs(apps, tag, count);
    }
    await runSyncAndWait(api, store, customers);
    // Every pair coupled by its e-mail, to the account made for it: the starting point of every test.
    for (const pair of Object.values(pairs).flat()) {
      const coupling = couplingOfLocal(store, customersId, pair.localId);
      expect(coupling?.integration_id).toBe(pair.integrationId);
      expect(coupling?.state).toBe('COUPLED');
    }
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  function couplingIdOf(pair: CustomerPair): number {
    return couplingOfLocal(store, customersId, pair.localId)!.id;
  }

  /** The pair's open error, which the job that just ran must have opened. */
  function openError(pair: CustomerPair, kind: string): StoredError {
    const error = openErrorOfCoupling(store, couplingIdOf(pair));
    expect(error?.kind).toBe(kind);
    return error!;
  }

  const rowId = (error: StoredError) => globalId('SyncError', error.id);

  async function errorsPage(query: string): Promise<Page> {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.goto(`${api.url}/errors?${query}`);
    await page.getByTestId('sync-error-row').first().waitFor();
    return page;
  }

  it('Retry releases the selected conflicts: the one fixed in the apps syncs, the other conflicts again', async () => {
    const [fixed, still, untouched] = pairs.retry as [CustomerPair, CustomerPair, CustomerPair];
    renameOnBothSides(apps, pairs.retry!, (pair) => ({
      local: `Fjordline ${pair.localId} (ERP)`,
      integration: `Fjordline ${pair.localId} (CRM)`,
    }));
    await runSyncAndWait(api, store, customers);
    const errors = [fixed, still, untouched].map((pair) => openError(pair, 'UPDATE_CONFLICT'));
    expect(errors[0]!.message).toContain('name');
    // Someone settles the first record in the CRM by hand; a retry should now sync it.
    renameIntegration(apps, [{ pair: fixed, name: `Fjordline ${fixed.localId} (ERP)` }]);
    const untouchedBefore = snapshotOf(store, errors[2]!.id);

    const page = await errorsPage(`mapping=${encodeURIComponent(customers)}&kind=UPDATE_CONFLICT`);
    await tickRows(page, [rowId(errors[0]!), rowId(errors[1]!)]);
    const dialog = await askAction(page, 'RETRY');
    expect(await dialog.textContent()).toContain('Retry 2 selected records?');
    // Run now is the default: a RETRY job for exactly these couplings is queued at once.
    expect(await dialog.getByRole('checkbox').getAttribute('aria-checked')).toBe('true');
    const since = Date.now();
    // Released for retry, never "succeeded": the RETRY job says later how they fared.
    expect((await confirmAction(page)).replace(/\s+/g, ' ').trim()).toMatch(
      /^Released 2 records for retry — job #\d+ runs them\.$/,
    );

    // The store: one RETRY entry per released coupling, naming who retried.
    for (const error of errors.slice(0, 2)) {
      const entries = logOfCoupling(store, error.coupling_id!, since).filter((e) => e.action === 'RETRY');
      expect(entries).toHaveLength(1);
      expect(entries[0]!.actor).toBe(ACTOR);
    }
    const retryJob = await waitFor('the RETRY job', async () => jobsSince(store, customersId, 'RETRY', since)[0]);
    await waitForJob(store, retryJob.id);

    // The fixed record synced: its error resolved by the job, its coupling released and no longer parked.
    expect(storedError(store, errors[0]!.id)).toMatchObject({ status: 'RESOLVED', resolution: 'SYNCED' });
    expect(couplingById(store, errors[0]!.coupling_id!)).toMatchObject({ parked: 0, retry_requested: 0 });
    expect(erpCustomer(apps, fixed.localId)?.name).toBe(`Fjordline ${fixed.localId} (ERP)`);
    expect(crmAccount(apps, fixed.integrationId)?.name).toBe(`Fjordline ${fixed.localId} (ERP)`);
    // The other still conflicts: the same error refreshed by the retry job (one open error, not two), parked.
    expect(storedError(store, errors[1]!.id)).toMatchObject({ status: 'OPEN', job_id: retryJob.id });
    expect(errorsOfCoupling(store, errors[1]!.coupling_id!).filter((e) => e.status === 'OPEN')).toHaveLength(1);
    expect(couplingById(store, errors[1]!.coupling_id!)).toMatchObject({ parked: 1, retry_requested: 0 });
    expect(erpCustomer(apps, still.localId)?.name).toBe(`Fjordline ${still.localId} (ERP)`);
    expect(crmAccount(apps, still.integrationId)?.name).toBe(`Fjordline ${still.localId} (CRM)`);
    // The conflict nobody selected: not released, not logged, not retried.
    expect(snapshotOf(store, errors[2]!.id)).toEqual(untouchedBefore);
    expect(logOfCoupling(store, errors[2]!.coupling_id!, since)).toEqual([]);

    // The list, read again: the synced record is gone, the one that conflicts again is still there.
    await page.getByTestId('action-done').click();
    await page.reload();
    await errorRow(page, rowId(errors[1]!)).waitFor();
    expect(await errorRow(page, rowId(errors[0]!)).count()).toBe(0);
    await page.close();
  });

  it('Synchronize from the toolbar: the integration wins for the conflicts, the deletion error is left out', async () => {
    const [first, second, untouched] = pairs.sync as [CustomerPair, CustomerPair, CustomerPair];
    const deleted = pairs.delete![2]!; // its own test leaves this one open: a deletion that must not be synchronized
    renameOnBothSides(apps, pairs.sync!, (pair) => ({
      local: `Polar ${pair.localId} (ERP)`,
      integration: `Polar ${pair.localId} (CRM)`,
    }));
    deleteInIntegration(apps, deleted, `Harbour ${deleted.localId} (ERP)`);
    await runSyncAndWait(api, store, customers);
    const conflicts = [first, second, untouched].map((pair) => openError(pair, 'UPDATE_CONFLICT'));
    const deletion = openError(deleted, 'INTEGRATION_RECORD_DELETED');
    const before = [conflicts[2]!, deletion].map((error) => snapshotOf(store, error.id));

    const page = await errorsPage(`mapping=${encodeURIComponent(customers)}`);
    await tickRows(page, [rowId(conflicts[0]!), rowId(conflicts[1]!), rowId(deletion)]);
    // The button says how many of the picked errors it applies to, and acts on those only. The counts are
    // the API's (SyncErrorActionCounts), asked once the selection changes: waited for as a user would.
    await expect.poll(() => page.getByTestId('action-SYNCHRONIZE').textContent()).toContain('Synchronize 2 of 3');
    await expect
      .poll(() => page.getByTestId('action-RESTORE_RECORDS').textContent())
      .toContain('Restore records 1 of 3');
    const dialog = await askAction(page, 'SYNCHRONIZE');
    expect(await dialog.textContent()).toContain('Synchronize 2 selected records now?');
    await dialog.getByText('Integration values win').click();
    await expect
      .poll(() => page.getByTestId('action-confirmation').textContent())
      .toContain("The integration values win: they overwrite the local record's mapped fields");
    const since = Date.now();
    expect(await confirmAction(page)).toContain('2 records succeeded, 0 records failed (of 2 requested records)');
    // The deletion was never sent: nothing to refuse.
    expect(await page.getByTestId('outcome-failures').count()).toBe(0);

    for (const [index, pair] of [first, second].entries()) {
      const error = conflicts[index]!;
      expect(storedError(store, error.id)).toMatchObject({
        status: 'RESOLVED',
        resolution: 'SYNCHRONIZED',
        resolved_by: ACTOR,
      });
      expect(couplingById(store, error.coupling_id!)).toMatchObject({ state: 'COUPLED', parked: 0 });
      expect(logOfCoupling(store, error.coupling_id!, since).map((e) => [e.action, e.actor])).toEqual([
        ['UPDATE', ACTOR],
      ]);
      // The CRM's record won: the ERP took its values; the CRM kept its own.
      const local = erpCustomer(apps, pair.localId)!;
      const integration = crmAccount(apps, pair.integrationId)!;
      expect(integration.name).toBe(`Polar ${pair.localId} (CRM)`);
      expect(local.name).toBe(`Polar ${pair.localId} (CRM)`);
      expect([local.email, local.city, local.phone]).toEqual([
        integration.emailaddress1,
        integration.address1_city,
        integration.telephone1,
      ]);
    }
    // Not selected, or not applicable: exactly as before, and both apps' records as they were.
    expect([conflicts[2]!, deletion].map((error) => snapshotOf(store, error.id))).toEqual(before);
    expect(logOfCoupling(store, deletion.coupling_id!, since)).toEqual([]);
    expect(erpCustomer(apps, untouched.localId)?.name).toBe(`Polar ${untouched.localId} (ERP)`);
    expect(crmAccount(apps, untouched.integrationId)?.name).toBe(`Polar ${untouched.localId} (CRM)`);
    expect(erpCustomer(apps, deleted.localId)?.name).toBe(`Harbour ${deleted.localId} (ERP)`);
    expect(crmAccount(apps, deleted.integrationId)).toBeUndefined();
    await page.close();
  });

  it('Restore records re-creates each deleted record on its side and points the coupling at it', async () => {
    const [inCrm, inErp, untouched] = pairs.restore as [CustomerPair, CustomerPair, CustomerPair];
    deleteInIntegration(apps, inCrm, `Alpine ${inCrm.localId} (ERP)`);
    deleteLocally(apps, inErp, `Alpine ${inErp.localId} (CRM)`);
    deleteInIntegration(apps, untouched, `Alpine ${untouched.localId} (ERP)`);
    await runSyncAndWait(api, store, customers);
    const errors = [
      openError(inCrm, 'INTEGRATION_RECORD_DELETED'),
      openError(inErp, 'LOCAL_RECORD_DELETED'),
      openError(untouched, 'INTEGRATION_RECORD_DELETED'),
    ];
    const untouchedBefore = snapshotOf(store, errors[2]!.id);

    const page = await errorsPage(
      `mapping=${encodeURIComponent(customers)}&kind=LOCAL_RECORD_DELETED,INTEGRATION_RECORD_DELETED`,
    );
    await tickRows(page, [rowId(errors[0]!), rowId(errors[1]!)]);
    const dialog = await askAction(page, 'RESTORE_RECORDS');
    expect(await dialog.textContent()).toContain('Restore 2 selected records?');
    const since = Date.now();
    expect(await confirmAction(page)).toContain('2 records succeeded, 0 records failed (of 2 requested records)');

    for (const error of errors.slice(0, 2)) {
      expect(storedError(store, error.id)).toMatchObject({
        status: 'RESOLVED',
        resolution: 'RESTORED',
        resolved_by: ACTOR,
      });
      const entries = logOfCoupling(store, error.coupling_id!, since);
      expect(entries.map((e) => [e.action, e.actor])).toEqual([['RESTORE', ACTOR]]);
    }
    // Deleted in the CRM: a new account from the ERP customer's values, carrying its ERP id; the same
    // coupling now points at it.
    const crmCoupling = couplingById(store, errors[0]!.coupling_id!)!;
    expect(crmCoupling).toMatchObject({ state: 'COUPLED', parked: 0, local_id: inCrm.localId });
    expect(crmCoupling.integration_id).not.toBe(inCrm.integrationId);
    const customer = erpCustomer(apps, inCrm.localId)!;
    expect(crmAccount(apps, crmCoupling.integration_id!)).toEqual({
      accountid: crmCoupling.integration_id,
      name: `Alpine ${inCrm.localId} (ERP)`,
      emailaddress1: inCrm.email,
      address1_city: customer.city,
      telephone1: customer.phone,
      erp_id: inCrm.localId,
    });
    expect(logOfCoupling(store, crmCoupling.id, since)[0]!.message).toContain(crmCoupling.integration_id!);
    // Deleted in the ERP: a new customer from the CRM account's values.
    const erpCoupling = couplingById(store, errors[1]!.coupling_id!)!;
    expect(erpCoupling).toMatchObject({ state: 'COUPLED', parked: 0, integration_id: inErp.integrationId });
    expect(erpCoupling.local_id).not.toBe(inErp.localId);
    const account = crmAccount(apps, inErp.integrationId)!;
    expect(erpCustomer(apps, erpCoupling.local_id!)).toEqual({
      id: Number(erpCoupling.local_id),
      name: `Alpine ${inErp.localId} (CRM)`,
      email: inErp.email,
      city: account.address1_city,
      phone: account.telephone1,
    });
    expect(erpCustomer(apps, inErp.localId)).toBeUndefined();
    // Not selected: still open, its record still missing.
    expect(snapshotOf(store, errors[2]!.id)).toEqual(untouchedBefore);
    expect(crmAccount(apps, untouched.integrationId)).toBeUndefined();
    expect(crmAccountsByEmail(apps, untouched.email)).toEqual([]);
    await page.close();

    // The restored pairs are coupled for good: the next job copies nothing again and opens no error.
    await runSyncAndWait(api, store, customers);
    expect(crmAccountsByEmail(apps, inCrm.email)).toHaveLength(1);
    expect(erpCustomersByEmail(apps, inErp.email)).toHaveLength(1);
    for (const error of errors.slice(0, 2)) expect(openErrorOfCoupling(store, error.coupling_id!)).toBeUndefined();
  });

  it('Delete records deletes the surviving record on the other side and removes the coupling', async () => {
    const [inCrm, inErp] = pairs.delete as [CustomerPair, CustomerPair];
    deleteInIntegration(apps, inCrm, `Baltic ${inCrm.localId} (ERP)`);
    deleteLocally(apps, inErp, `Baltic ${inErp.localId} (CRM)`);
    await runSyncAndWait(api, store, customers);
    const errors = [openError(inCrm, 'INTEGRATION_RECORD_DELETED'), openError(inErp, 'LOCAL_RECORD_DELETED')];
    // The synchronize test's refused deletion error is still open: this action must leave it alone.
    const bystander = openError(pairs.delete![2]!, 'INTEGRATION_RECORD_DELETED');
    const bystanderBefore = snapshotOf(store, bystander.id);

    const page = await errorsPage(
      `mapping=${encodeURIComponent(customers)}&kind=LOCAL_RECORD_DELETED,INTEGRATION_RECORD_DELETED`,
    );
    await tickRows(page, [rowId(errors[0]!), rowId(errors[1]!)]);
    // Escape backs out of the destructive dialog: nothing is sent, nothing changes.
    const asked = errors.map((error) => snapshotOf(store, error.id));
    await askAction(page, 'DELETE_RECORDS');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('action-confirmation').count()).toBe(0);
    expect(errors.map((error) => snapshotOf(store, error.id))).toEqual(asked);
    expect(erpCustomer(apps, inCrm.localId)?.name).toBe(`Baltic ${inCrm.localId} (ERP)`);
    const dialog = await askAction(page, 'DELETE_RECORDS');
    expect(await dialog.textContent()).toContain('Delete 2 selected records?');
    expect(await dialog.textContent()).toContain('cannot be undone');
    const since = Date.now();
    expect(await confirmAction(page)).toContain('2 records succeeded, 0 records failed (of 2 requested records)');

    for (const error of errors) {
      expect(storedError(store, error.id)).toMatchObject({
        status: 'RESOLVED',
        resolution: 'DELETED',
        resolved_by: ACTOR,
      });
      expect(couplingById(store, error.coupling_id!)).toBeUndefined();
      expect(logOfCoupling(store, error.coupling_id!, since).map((e) => [e.action, e.actor])).toEqual([
        ['DELETE', ACTOR],
      ]);
    }
    // Gone from both apps now.
    expect(erpCustomer(apps, inCrm.localId)).toBeUndefined();
    expect(crmAccount(apps, inCrm.integrationId)).toBeUndefined();
    expect(crmAccount(apps, inErp.integrationId)).toBeUndefined();
    expect(erpCustomer(apps, inErp.localId)).toBeUndefined();
    // The other deletion error and its surviving record: as they were.
    expect(snapshotOf(store, bystander.id)).toEqual(bystanderBefore);
    expect(erpCustomer(apps, pairs.delete![2]!.localId)?.name).toBe(`Harbour ${pairs.delete![2]!.localId} (ERP)`);
    await page.close();
  });

  // console.test.ts removes the coupling of a failed write; this is the other case the action exists for:
  // a record deleted on one side, where the person decides the two apps simply stop sharing it.
  it('Remove coupling of a deletion error: the CRM keeps its account, and later jobs leave both apps alone', async () => {
    const [pair] = pairs.uncouple as [CustomerPair];
    deleteLocally(apps, pair, `Nordic ${pair.localId} (CRM)`);
    await runSyncAndWait(api, store, customers);
    const error = openError(pair, 'LOCAL_RECORD_DELETED');

    const page = await errorsPage(`mapping=${encodeURIComponent(customers)}&kind=LOCAL_RECORD_DELETED`);
    await tickRows(page, [rowId(error)]);
    const dialog = await askAction(page, 'REMOVE_COUPLING');
    expect(await dialog.textContent()).toContain('Remove the coupling of 1 selected record?');
    const since = Date.now();
    expect(await confirmAction(page)).toContain('1 record succeeded, 0 records failed (of 1 requested record)');
    await page.getByTestId('action-done').click();
    await expect.poll(() => errorRow(page, rowId(error)).count()).toBe(0);
    await page.close();

    expect(storedError(store, error.id)).toMatchObject({
      status: 'RESOLVED',
      resolution: 'UNCOUPLED',
      resolved_by: ACTOR,
    });
    expect(couplingById(store, error.coupling_id!)).toMatchObject({ state: 'UNCOUPLED', parked: 0 });
    expect(logOfCoupling(store, error.coupling_id!, since).map((e) => [e.action, e.actor])).toEqual([
      ['UNCOUPLE', ACTOR],
    ]);
    expect(crmAccount(apps, pair.integrationId)?.name).toBe(`Nordic ${pair.localId} (CRM)`);
    expect(erpCustomer(apps, pair.localId)).toBeUndefined();

    // The CRM edits its account again: no job copies it back to the ERP, nor opens an error for it.
    renameIntegration(apps, [{ pair, name: `Nordic ${pair.localId} renamed (CRM)` }]);
    const job = await runSyncAndWait(api, store, customers);
    expect(erpCustomersByEmail(apps, pair.email)).toEqual([]);
    expect(couplingById(store, error.coupling_id!)).toMatchObject({ state: 'UNCOUPLED' });
    expect(errorsOfCoupling(store, error.coupling_id!).map((e) => e.status)).toEqual(['RESOLVED']);
    expect(logOfCoupling(store, error.coupling_id!, since).filter((e) => e.job_id === job)).toEqual([]);
  });

  it('Retry of all 1,000+ update conflicts matching a filter, selected with "select all N matching"', async () => {
    const bulk = pairs.bulk!;
    renameOnBothSides(apps, bulk, (pair) => ({
      local: `Bulk ${pair.localId} (ERP)`,
      integration: `Bulk ${pair.localId} (CRM)`,
    }));
    await runSyncAndWait(api, store, customers);
    const conflicts = bulk.map((pair) => openError(pair, 'UPDATE_CONFLICT'));
    // Half of them are settled in the CRM by hand before the retry: those must sync, the rest conflict again.
    const settled = new Set(bulk.filter((_, index) => index % 2 === 0).map((pair) => pair.localId));
    renameIntegration(
      apps,
      bulk.filter((pair) => settled.has(pair.localId)).map((pair) => ({ pair, name: `Bulk ${pair.localId} (ERP)` })),
    );

    // The demo's own write failure (the items mapping's first job) is one of the errors that must stay.
    await waitFor(
      'an open error of another mapping',
      async () =>
        many(store, "select id from sync_error where status = 'OPEN' and mapping_id <> ?", customersId).length > 0,
    );
    // What the filter matches, and what it must not touch: no customers job runs meanwhile, so this holds.
    const open = many<{ id: number; mapping_id: number; kind: string; coupling_id: number }>(
      store,
      "select id, mapping_id, kind, coupling_id from sync_error where status = 'OPEN' and coupling_id is not null",
    );
    const matching = open.filter((e) => e.mapping_id === customersId && e.kind === 'UPDATE_CONFLICT');
    const others = open.filter((e) => !(e.mapping_id === customersId && e.kind === 'UPDATE_CONFLICT'));
    expect(matching.length).toBeGreaterThanOrEqual(1000);
    // The deletion errors the earlier tests left open (and the demo's write failures in other mappings).
    expect(others.some((e) => e.mapping_id === customersId)).toBe(true);
    expect(others.some((e) => e.mapping_id !== customersId)).toBe(true);
    const customersOthersBefore = others
      .filter((e) => e.mapping_id === customersId)
      .map((e) => snapshotOf(store, e.id));
    const count = new Intl.NumberFormat('en').format(matching.length);

    // The filter through its controls, as a person sets it.
    const page = await signIn(browser, api.url, api.adminKey);
    await page.getByTestId('sync-error-row').first().waitFor();
    await page.getByTestId('filter-mapping').click();
    await page.locator('.n-base-select-option', { hasText: /^customers$/ }).click();
    await page.waitForURL((url) => url.searchParams.get('mapping') === customers);
    await page.getByTestId('filter-kind').click();
    await page.locator('.n-base-select-option', { hasText: 'Update conflict' }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL((url) => url.searchParams.get('kind') === 'UPDATE_CONFLICT');
    // The filtered list is in (not the unfiltered one still on screen): a whole-page tick must tick it.
    await expect
      .poll(async () => {
        const rows = await page.getByTestId('sync-error-row').allTextContents();
        return rows.length > 0 && rows.every((row) => row.includes('customers') && row.includes('Update conflict'));
      })
      .toBe(true);

    // The whole page first, then the offer to take every match.
    await page.locator('[data-testid="select-page"]').click();
    await page.getByTestId('select-all-matching').click();
    await expect
      .poll(() => page.getByTestId('selection-bar').textContent())
      .toContain(`All ${count} errors matching this filter are selected.`);
    const dialog = await askAction(page, 'RETRY');
    expect(await dialog.textContent()).toContain(`Retry all ${count} records matching the filter?`);
    expect(await page.getByTestId('action-confirm').textContent()).toContain(`Retry ${count} records`);
    // The filter goes to the API, not the 50 ids loaded: pages never shown are included.
    const sent = page.waitForRequest((request) => (request.postData() ?? '').includes('RetrySyncErrors'));
    const since = Date.now();
    expect((await confirmAction(page)).replace(/\s+/g, ' ').trim()).toMatch(
      new RegExp(`^Released ${count} records for retry — job #\\d+ runs them\\.$`),
    );
    const variables = JSON.parse((await sent).postData()!).variables;
    expect(variables.ids ?? null).toBeNull();
    expect(variables.filter).toEqual({ mappingId: customers, kinds: ['UPDATE_CONFLICT'], statuses: ['OPEN'] });
    expect(variables.runNow).toBe(true);
    await page.close();

    // One RETRY entry by the admin per matching coupling, and none for anything else.
    const retried = many<{ coupling_id: number; actor: string }>(
      store,
      "select coupling_id, actor from sync_log_entry where action = 'RETRY' and occurred_at >= ?",
      since,
    );
    expect(retried.map((e) => e.coupling_id).sort((a, b) => a - b)).toEqual(
      matching.map((e) => e.coupling_id).sort((a, b) => a - b),
    );
    expect(new Set(retried.map((e) => e.actor))).toEqual(new Set([ACTOR]));

    // The RETRY job works exactly the released couplings: settled ones sync, the others are parked again.
    const retryJob = await waitFor('the RETRY job', async () => jobsSince(store, customersId, 'RETRY', since)[0]);
    await waitForJob(store, retryJob.id);
    expect(jobsSince(store, customersId, 'RETRY', since)).toHaveLength(1);
    for (const [index, pair] of bulk.entries()) {
      const error = storedError(store, conflicts[index]!.id)!;
      const coupling = couplingById(store, error.coupling_id!)!;
      if (settled.has(pair.localId)) {
        expect(error).toMatchObject({ status: 'RESOLVED', resolution: 'SYNCED' });
        expect(coupling).toMatchObject({ parked: 0, retry_requested: 0 });
      } else {
        expect(error).toMatchObject({ status: 'OPEN', job_id: retryJob.id });
        expect(coupling).toMatchObject({ parked: 1, retry_requested: 0 });
        expect(crmAccount(apps, pair.integrationId)?.name).toBe(`Bulk ${pair.localId} (CRM)`);
      }
      expect(erpCustomer(apps, pair.localId)?.name).toBe(`Bulk ${pair.localId} (ERP)`);
    }
    // Errors of other kinds of this mapping: exactly as before; other mappings' errors still open.
    expect(others.filter((e) => e.mapping_id === customersId).map((e) => snapshotOf(store, e.id))).toEqual(
      customersOthersBefore,
    );
    for (const other of others.filter((e) => e.mapping_id !== customersId)) {
      expect(storedError(store, other.id)?.status).toBe('OPEN');
    }
  }, 300_000);
});
