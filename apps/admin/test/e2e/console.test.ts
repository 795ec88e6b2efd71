import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  createApiKey,
  graphqlRequest,
  requireConsoleBuild,
  startApi,
  waitFor,
  waitForDemoError,
} from './api-process';
import { type Browser, CHROMIUM, launchBrowser, signIn } from './chromium';

const DOCS_IMAGES = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));
// The README's pictures come from this run. They are rewritten when asked (TANDEM_UPDATE_SCREENSHOTS=1) or
// missing; otherwise they go to a temporary folder, so that a test run leaves the working tree clean.
const UPDATE_SCREENSHOTS =
  process.env.TANDEM_UPDATE_SCREENSHOTS === '1' || !existsSync(join(DOCS_IMAGES, 'dashboard.png'));
const IMAGES = UPDATE_SCREENSHOTS ? DOCS_IMAGES : mkdtempSync(join(tmpdir(), 'tandem-admin-screenshots-'));

/** Global Node id → the database id ("SyncError:1" base64-encoded). */
function databaseId(globalId: string): number {
  return Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);
}

// Skipped only where the browser is missing (`.ci/run` installs it); everywhere else it must run.
describe.skipIf(!existsSync(CHROMIUM))('the console in Chromium against a real `tandem start`', () => {
  let api: ApiProcess;
  let context: BrowserContext;
  let browser: Browser;

  beforeAll(async () => {
    requireConsoleBuild();
    api = await startApi();
    await waitForDemoError(api);
    browser = await launchBrowser();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (!UPDATE_SCREENSHOTS) rmSync(IMAGES, { recursive: true, force: true });
  });

  /** How many log entries people (not jobs) caused: an action that was not confirmed adds none. */
  function entriesByPeople(): number {
    const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
    try {
      return (db.prepare("select count(*) as n from sync_log_entry where actor <> 'job'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  it('refuses an unknown key on the login page', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/login`);
    await page.getByTestId('api-key-input').fill('tdm_not-a-key');
    await page.getByTestId('sign-in').click();
    await expect.poll(() => page.getByTestId('login-problem').textContent()).toContain('not accepted');
    await page.close();
  });

  it("the detail panel of crm-p-2's write failure shows both records and links to its log", async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    const row = page.getByTestId('sync-error-row').filter({ hasText: 'crm-p-2' }).first();
    await row.waitFor();
    const errorId = await row.getAttribute('data-id');
    await row.getByTestId('open-detail').click();
    // The panel is in the URL, so a link opens it.
    await page.waitForURL((url) => url.searchParams.get('error') === errorId);
    const panel = page.getByTestId('error-detail');
    await expect.poll(() => page.getByTestId('detail-message').textContent()).toMatch(/\S/);
    await page.getByTestId('record-compare').waitFor();
    expect(await page.getByTestId('compare-field').count()).toBeGreaterThan(0);
    expect(await panel.textContent()).toContain('Local now');
    expect(await panel.textContent()).toContain('Integration now');
    // Its ERP record was never created (the insert was refused): the API's applicableActions offer Retry
    // (which inserts it) and Remove coupling, and no Synchronize, which would only be refused.
    await expect
      .poll(() =>
        panel
          .locator('[data-testid^="detail-action-"]')
          .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid'))),
      )
      .toEqual(['detail-action-RETRY', 'detail-action-REMOVE_COUPLING']);
    expect(await page.getByTestId('detail-synchronize').count()).toBe(0);

    // Its record's history: the log link opens the timeline of that record.
    const logLink = page.locator('[data-testid^="detail-log-"]').first();
    await logLink.click();
    await page.waitForURL(/\/log\?/);
    await page.getByTestId('log-entry').first().waitFor();
    expect(await page.getByTestId('log-timeline').textContent()).toMatch(/Write failed|Inserted|Updated|Coupled/);
    await page.close();
  });

  it('synchronizes an update conflict from the detail panel with a per-field winner', async () => {
    // The simulator edits a record on both sides every few rounds; the next job opens the conflict.
    const conflictId = await waitFor('the demo to open an update conflict', async () => {
      const data = await graphqlRequest<{ syncErrors: { edges: { node: { id: string } }[] } }>(
        api,
        api.adminKey,
        '{ syncErrors(filter: { kinds: [UPDATE_CONFLICT], statuses: [OPEN] }, first: 1) { edges { node { id } } } }',
      );
      return data.syncErrors.edges[0]?.node.id;
    });
    const page = await signIn(browser, api.url, api.adminKey);
    await page.goto(`${api.url}/errors?error=${encodeURIComponent(conflictId)}`);
    const conflicting = page.locator('[data-testid="compare-field"]:has([data-testid="conflicting"])').first();
    await conflicting.waitFor();
    const field = (await conflicting.getAttribute('data-field'))!;
    // Local wins for the record, the integration's value for the conflicting field.
    await page.getByTestId(`winner-${field}-INTEGRATION`).click();
    const sent = page.waitForRequest((request) => (request.postData() ?? '').includes('SynchronizeSyncErrors'));
    await page.getByTestId('detail-synchronize').click();
    await expect
      .poll(() => page.locator('.n-dialog').textContent())
      .toContain("Integration values overwrite the local record's");
    await page.locator('.n-dialog').getByRole('button', { name: 'Synchronize' }).click();
    const variables = JSON.parse((await sent).postData()!).variables;
    expect(variables).toMatchObject({
      ids: [conflictId],
      winner: 'LOCAL',
      fieldWinners: [{ field, winner: 'INTEGRATION' }],
    });
    await expect.poll(() => page.getByTestId('outcome-counts').textContent()).toContain('1 record succeeded');

    const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
    try {
      const stored = db.prepare('select status from sync_error where id = ?').get(databaseId(conflictId)) as {
        status: string;
      };
      expect(stored.status).toBe('RESOLVED');
    } finally {
      db.close();
    }
    await page.close();
  });

  it('the jobs page lists the demo jobs, live, and opens a job with its errors', async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.getByRole('link', { name: 'Sync jobs' }).click();
    await page.waitForURL(`${api.url}/jobs`);
    await page.getByTestId('sync-job-row').first().waitFor();
    await expect.poll(() => page.getByTestId('total-count').textContent()).toMatch(/[1-9]/);
    // Run now through the UI: the queued job arrives by subscription, without a reload.
    await page.getByTestId('run-now-customers').click();
    const { syncJobs } = await waitFor('the job run from the UI', async () => {
      const data = await graphqlRequest<{ syncJobs: { edges: { node: { id: string; trigger: string } }[] } }>(
        api,
        api.adminKey,
        '{ syncJobs(first: 5) { edges { node { id trigger } } } }',
      );
      return data.syncJobs.edges.some((edge) => edge.node.trigger === 'MANUAL') ? data : null;
    });
    const manual = syncJobs.edges.find((edge) => edge.node.trigger === 'MANUAL')!.node;
    await page.locator(`[data-testid="sync-job-row"][data-id="${manual.id}"]`).waitFor();

    // Filtered in the URL: a link reproduces it.
    await page.goto(`${api.url}/jobs?status=SUCCEEDED,PARTIAL`);
    await page.getByTestId('sync-job-row').first().waitFor();
    const statuses = await page
      .getByTestId('job-status')
      .evaluateAll((tags) => tags.map((tag) => tag.getAttribute('data-status')));
    expect(statuses.every((status) => status === 'SUCCEEDED' || status === 'PARTIAL')).toBe(true);

    await page.getByTestId('sync-job-row').first().locator('a').click();
    await page.waitForURL(/\/jobs\/[^/?]+$/);
    await page.getByTestId('job-facts').waitFor();
    expect(['SUCCEEDED', 'PARTIAL']).toContain(await page.getByTestId('job-detail-status').getAttribute('data-status'));

    // A job's log: every coupling it touched, as many as the store holds for the job; narrowed by action in the
    // URL. The busiest job, so that there are pages (a scheduled run may have touched nothing).
    const busiest = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
    const { job_id: busiestJob } = busiest
      .prepare(
        'select job_id from sync_log_entry where job_id is not null group by job_id order by count(*) desc limit 1',
      )
      .get() as { job_id: number };
    busiest.close();
    const jobId = Buffer.from(`SyncJob:${busiestJob}`).toString('base64');
    await page.goto(`${api.url}/jobs/${encodeURIComponent(jobId)}`);
    const logged = (action?: string) => {
      const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
      try {
        const sql = `select count(*) as n from sync_log_entry where job_id = ?${action ? ' and action = ?' : ''}`;
        const params = action ? [databaseId(jobId), action] : [databaseId(jobId)];
        return (db.prepare(sql).get(...params) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    await page.getByTestId('job-tabs').getByText('Log', { exact: true }).click();
    await page.waitForURL(/tab=log/);
    await page.getByTestId('job-log-table').waitFor();
    const total = logged();
    await expect
      .poll(() => page.getByTestId('job-log-table').getByTestId('job-log-row').count())
      .toBe(Math.min(total, 50));
    await expect
      .poll(() => page.getByTestId('total-count').last().textContent())
      .toContain(`${total.toLocaleString('en')} log line`);
    // Narrowed to the job's most frequent action (a scheduled run may have inserted nothing, say).
    const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
    const { action } = db
      .prepare(
        'select action, count(*) as n from sync_log_entry where job_id = ? group by action order by n desc limit 1',
      )
      .get(databaseId(jobId)) as { action: string };
    db.close();
    await page.goto(`${page.url().split('?')[0]}?tab=log&actions=${action}`);
    const narrowed = logged(action);
    await expect
      .poll(() => page.getByTestId('total-count').last().textContent())
      .toContain(`${narrowed.toLocaleString('en')} log line`);
    const shown = await page
      .getByTestId('job-log-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(shown.length).toBe(Math.min(narrowed, 50));
    expect(new Set(shown)).toEqual(new Set([action]));
    // A job id that does not exist: said so, not a blank page.
    await page.goto(`${api.url}/jobs/U3luY0pvYjo5OTk5OTk=`);
    await page.getByTestId('job-missing').waitFor();
    await page.close();
  });

  it('an admin sees the dashboard and the demo error, and removes its coupling through the UI', async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    await expect.poll(() => page.getByTestId('viewer-role').textContent()).toBe('ADMIN');

    // The dashboard first: the open error counted by kind and mapping, the demo's jobs listed.
    mkdirSync(IMAGES, { recursive: true });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    // The demo's simulated users keep opening errors, so the count is only known to be positive.
    await expect.poll(async () => Number(await page.getByTestId('open-errors-total').textContent())).toBeGreaterThan(0);
    await page.locator('.chart svg').nth(1).waitFor();
    await page.getByTestId('recent-job').first().waitFor();
    await page.waitForTimeout(500); // the bars' entry animation
    await page.screenshot({ path: join(IMAGES, 'dashboard.png'), fullPage: true });
    await page.getByRole('link', { name: 'Sync errors' }).click();

    // The seeded product whose name is too long for the ERP (crm-p-2): other errors come and go meanwhile.
    const row = page.getByTestId('sync-error-row').filter({ hasText: 'crm-p-2' }).first();
    await row.waitFor();
    const errorId = await row.getAttribute('data-id');
    expect(errorId).toBeTruthy();
    await row.getByTestId('select-row').click();
    await page.getByTestId('selection-bar').waitFor();
    await page.waitForTimeout(500); // Naive UI's colour transitions, so the picture shows the enabled toolbar
    await page.screenshot({ path: join(IMAGES, 'errors.png') });

    await page.getByTestId('action-REMOVE_COUPLING').click();
    const dialog = page.getByTestId('action-dialog');
    await expect.poll(() => dialog.textContent()).toContain('Remove the coupling of 1 selected record?');
    await expect.poll(() => dialog.textContent()).toContain('no longer synchronize');
    await page.getByTestId('action-confirm').click();
    await expect
      .poll(() => page.getByTestId('outcome-counts').textContent())
      .toContain('1 record succeeded, 0 records failed');
    await page.getByTestId('action-done').click();
    await expect.poll(() => page.locator(`[data-testid="sync-error-row"][data-id="${errorId}"]`).count()).toBe(0);

    // What the store holds now: the error resolved, its coupling removed (records no longer sync).
    const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
    try {
      const stored = db
        .prepare(
          'select e.status, e.resolved_by, c.state from sync_error e join coupling c on c.id = e.coupling_id where e.id = ?',
        )
        .get(databaseId(errorId!)) as { status: string; resolved_by: string | null; state: string };
      expect(stored.status).toBe('RESOLVED');
      expect(stored.state).toBe('UNCOUPLED');
    } finally {
      db.close();
    }
    await page.close();
  });

  it('a job started through the API appears on the open dashboard without a reload', async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('recent-job').first().waitFor();
    // Survives only if the page is never reloaded.
    await page.evaluate(() => Object.assign(window, { stayedOpen: true }));
    const { tableMappings } = await graphqlRequest<{ tableMappings: { id: string; name: string }[] }>(
      api,
      api.adminKey,
      '{ tableMappings { id name } }',
    );
    const customers = tableMappings.find((mapping) => mapping.name === 'customers')!;
    const started = await graphqlRequest<{ runSync: { job?: { id: string } } }>(
      api,
      api.adminKey,
      'mutation($m: ID!) { runSync(mappingId: $m, full: true) { ... on RunSyncPayload { job { id } } } }',
      { m: customers.id },
    );
    const jobId = started.runSync.job!.id;
    // Running or already finished: either way it arrived by subscription (the console does not poll).
    await page.locator(`[data-id="${jobId}"]`).first().waitFor();
    await expect.poll(() => page.locator(`[data-testid="recent-job"][data-id="${jobId}"]`).count()).toBe(1);
    // The outcomes chart follows too: it counts every job the store has seen finish (the demo's keep coming).
    const finishedInStore = () => {
      const db = new Database(join(api.dataDir, 'tandem.sqlite'), { readonly: true });
      try {
        return (db.prepare('select count(*) as n from sync_job where finished_at is not null').get() as { n: number })
          .n;
      } finally {
        db.close();
      }
    };
    const charted = async () => {
      const text = (await page.getByTestId('job-outcomes-summary').textContent()) ?? '';
      return [...text.matchAll(/(\d+) /g)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    await waitFor('the full job to finish', async () => {
      const data = await graphqlRequest<{ syncJob: { finishedAt?: string | null } }>(
        api,
        api.adminKey,
        'query($id: ID!) { syncJob(id: $id) { ... on SyncJob { finishedAt } } }',
        { id: jobId },
      );
      return data.syncJob.finishedAt ?? null;
    });
    // Counted once it finished, without a reload: chart and store agree (the demo's jobs keep finishing too).
    await expect.poll(async () => (await charted()) === finishedInStore(), { timeout: 30_000 }).toBe(true);
    expect(await page.evaluate(() => (window as { stayedOpen?: boolean }).stayedOpen)).toBe(true);
    await page.close();
  });

  it('works from the keyboard alone: sign in, move between pages, select a row, open and dismiss an action', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/errors`);
    await page.waitForURL(/\/login\?redirect=/);
    // The key field has the focus on arrival; Enter submits.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('api-key-input');
    await page.keyboard.type(api.adminKey);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${api.url}/errors`);

    // A row's checkbox is reached with Tab and ticked with Space; focus is visible where the keyboard is.
    const firstRow = page.getByTestId('sync-error-row').first();
    await firstRow.waitFor();
    const rowId = await firstRow.getAttribute('data-id');
    await firstRow.getByTestId('open-detail').focus();
    await page.keyboard.press('Shift+Tab');
    let focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    for (let presses = 0; focused !== 'select-row' && presses < 8; presses++) {
      await page.keyboard.press('Shift+Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    }
    expect(focused).toBe('select-row');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Space');
    await page.getByTestId('selection-bar').waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('selected')).toBe(rowId);

    // An action button opens its confirmation with Enter; Escape dismisses it and nothing is done.
    const before = entriesByPeople();
    await page.getByTestId('action-REMOVE_COUPLING').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('action-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('action-dialog').waitFor({ state: 'detached' });
    expect(entriesByPeople()).toBe(before);

    // The navigation is made of links: focus one, Enter follows it.
    await page.getByRole('link', { name: 'Sync jobs' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${api.url}/jobs`);
    await page.close();
  });

  it('a viewer sees errors but no action buttons', async () => {
    const page = await signIn(browser, api.url, await createApiKey(api, 'VIEWER', 'e2e viewer'));
    await expect.poll(() => page.getByTestId('viewer-role').textContent()).toBe('VIEWER');
    await page.getByTestId('filter-search').waitFor();
    // Resolved errors too, so the table has a row to show (the admin resolved the open one).
    await page.goto(`${api.url}/errors?status=ALL`);
    await page.getByTestId('sync-error-row').first().waitFor();
    await expect.poll(() => page.getByTestId('viewer-role').textContent()).toBe('VIEWER');
    expect(await page.locator('[data-testid^="action-"]').count()).toBe(0);
    expect(await page.locator('[data-testid="sync-error-row"] [data-testid="select-row"]').count()).toBe(0);
    // Nor run buttons on the jobs page, nor a Synchronize in the detail panel.
    await page.getByTestId('sync-error-row').first().getByTestId('open-detail').click();
    await page.getByTestId('detail-message').waitFor();
    expect(await page.getByTestId('detail-synchronize').count()).toBe(0);
    await page.goto(`${api.url}/jobs`);
    await page.getByTestId('sync-job-row').first().waitFor();
    expect(await page.getByTestId('run-panel').count()).toBe(0);
    await page.close();
  });
});
