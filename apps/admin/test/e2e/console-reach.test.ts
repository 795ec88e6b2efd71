import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
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

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const DOCS_IMAGES = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));
// Phone screenshots of every run stay here (asserted, not only looked at); the README's pictures are
// rewritten when asked (TANDEM_UPDATE_SCREENSHOTS=1) or missing, like console.test.ts's.
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const UPDATE_README = process.env.TANDEM_UPDATE_SCREENSHOTS === '1' || !existsSync(join(DOCS_IMAGES, 'errors-sv.png'));
const README_IMAGES = UPDATE_README ? DOCS_IMAGES : mkdtempSync(join(tmpdir(), 'tandem-admin-readme-'));

/** Axe's serious and critical findings on the page as it is now (WCAG 2.0–2.2 A and AA rules). */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
  return found;
}

/** The page is no wider than the window: nothing is cut off or scrolls the whole page sideways. */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe.skipIf(!existsSync(CHROMIUM))('the console on a phone, in Swedish, by keyboard and screen reader', () => {
  let api: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    requireConsoleBuild();
    api = await startApi();
    await waitForDemoError(api);
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (!UPDATE_README) rmSync(README_IMAGES, { recursive: true, force: true });
  });

  it('has no serious or critical axe findings on any page, signed out or in', async () => {
    const login = await browser.context.newPage();
    await login.goto(`${api.url}/login`);
    await login.getByTestId('api-key-input').waitFor();
    expect(await seriousViolations(login)).toEqual([]);
    // The visible "API key" label names the input itself.
    expect(await login.getByLabel('API key').getAttribute('data-testid')).toBe('api-key-input');
    await login.close();

    const page = await signIn(browser, api.url, api.adminKey, '/');
    const pages: [string, string][] = [
      ['/', 'recent-job'],
      ['/errors', 'sync-error-row'],
      ['/errors?view=groups', 'sync-error-group'],
      ['/jobs', 'sync-job-row'],
      ['/mappings', 'mappings-total'],
      ['/log', 'log-mapping'],
      ['/api-keys', 'api-key-row'],
    ];
    for (const [path, ready] of pages) {
      await page.goto(`${api.url}${path}`);
      await page.getByTestId(ready).first().waitFor();
      await page.waitForTimeout(300); // Naive UI's colour transitions settle before contrast is measured
      expect({ path, violations: await seriousViolations(page) }).toEqual({ path, violations: [] });
    }
    // The detail panel, a job and a mapping.
    await page.goto(`${api.url}/errors`);
    await page.getByTestId('sync-error-row').first().getByTestId('open-detail').click();
    await page.getByTestId('detail-message').waitFor();
    await page.waitForTimeout(400);
    expect({ path: 'detail', violations: await seriousViolations(page) }).toEqual({ path: 'detail', violations: [] });
    await page.goto(`${api.url}/jobs`);
    await page.getByTestId('sync-job-row').first().locator('a').first().click();
    await page.getByTestId('job-facts').waitFor();
    expect({ path: 'job', violations: await seriousViolations(page) }).toEqual({ path: 'job', violations: [] });
    await page.close();
  });

  it('shows a focus ring on the status toggles, Retry all and Sign out', async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.getByTestId('sync-error-row').first().waitFor();
    const ringOf = async (selector: string) => {
      await page.locator(selector).first().focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      return page.evaluate(() => {
        let element: Element | null = document.activeElement;
        // A radio button's input is hidden: its ring is drawn by the button holding it.
        while (element && getComputedStyle(element).outlineStyle === 'none' && element.parentElement) {
          if (element.classList.contains('n-radio-button') || element.tagName === 'BUTTON') break;
          element = element.parentElement;
        }
        const style = element ? getComputedStyle(element) : null;
        return style ? { style: style.outlineStyle, width: style.outlineWidth } : null;
      });
    };
    for (const selector of [
      '.n-radio-button input[value="RESOLVED"]',
      '[data-testid="retry-all"]',
      '[data-testid="sign-out"]',
    ]) {
      const ring = await ringOf(selector);
      expect({ selector, ring }).toEqual({ selector, ring: { style: 'solid', width: '2px' } });
    }
    await page.close();
  });

  it('speaks Swedish when chosen, remembers it, and uses Business Central’s terms', async () => {
    const page = await signIn(browser, api.url, api.adminKey);
    await page.getByTestId('sync-error-row').first().waitFor();
    await page.getByTestId('locale-switch').selectOption('sv');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Kopplade datasynkroniseringsfel');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
    expect(await page.getByTestId('action-RETRY').textContent()).toContain('Försök igen');
    expect(await page.getByTestId('action-REMOVE_COUPLING').textContent()).toContain('Ta bort koppling');
    expect(await page.getByTestId('action-RESTORE_RECORDS').textContent()).toContain('Återställa poster');
    expect(await page.getByTestId('action-DELETE_RECORDS').textContent()).toContain('Ta bort poster');
    expect(await page.getByTestId('retry-all').textContent()).toContain('Försök alla igen');
    expect(await page.getByRole('link', { name: 'Synkroniseringslogg' }).count()).toBe(1);
    // Numbers through Intl: the count says "… fel matchar".
    await expect.poll(() => page.getByTestId('total-count').textContent()).toMatch(/\d fel matchar$/);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(README_IMAGES, 'errors-sv.png') });

    // Remembered: a reload (and the next visit) stays Swedish.
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Kopplade datasynkroniseringsfel');
    await page.getByTestId('locale-switch').selectOption('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Coupled Data Synchronization Errors');
    await page.close();
  });

  it('on a 390 px phone: a header menu, error cards, a dashboard that reflows and a usable detail panel', async () => {
    const page = await signIn(browser, api.url, api.adminKey, '/');
    await page.setViewportSize({ width: 390, height: 844 });

    // Dashboard: no sideways scrolling, each recent job a short block (not a 690 px table row).
    await page.getByTestId('recent-job').first().waitFor();
    await page.waitForTimeout(500);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const tallest = await page
      .getByTestId('recent-job')
      .evaluateAll((rows) => Math.max(...rows.map((row) => row.getBoundingClientRect().height)));
    expect(tallest).toBeLessThan(120);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-390.png'), fullPage: true });
    // A job row is a link to its job.
    const firstJob = page.getByTestId('recent-job').first();
    const jobId = await firstJob.getAttribute('data-id');
    await firstJob.getByTestId('recent-job-link').click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/jobs/${jobId}`);

    // The header: the navigation is behind Menu, and every link and Sign out are inside the window.
    expect(await page.getByRole('link', { name: 'Sync errors' }).isVisible()).toBe(false);
    await page.getByTestId('menu-toggle').click();
    const menu = page.getByTestId('shell-menu');
    for (const name of ['Dashboard', 'Sync errors', 'Sync jobs', 'Record log', 'Table mappings', 'API keys']) {
      const box = await menu.getByRole('link', { name, exact: true }).boundingBox();
      expect({ name, inside: box !== null && box.x >= 0 && box.x + box.width <= 390 }).toEqual({ name, inside: true });
    }
    const signOut = await page.getByTestId('sign-out').boundingBox();
    expect(signOut !== null && signOut.x + signOut.width <= 390).toBe(true);
    await menu.getByRole('link', { name: 'Sync errors' }).click();
    await page.waitForURL(/\/errors/);
    expect(await menu.isVisible()).toBe(false);

    // Errors as cards: kind, message, status and the error's actions, nothing cut off.
    const card = page.getByTestId('sync-error-row').first();
    await card.waitFor();
    expect(await page.getByTestId('sync-error-cards').count()).toBe(1);
    expect(await card.getByTestId('card-kind').textContent()).toMatch(/Update conflict|Write failed|Deleted/);
    expect((await card.getByTestId('card-message').textContent())?.trim().length).toBeGreaterThan(0);
    expect(await card.getByTestId('card-status').textContent()).toMatch(/Open|Resolved/);
    expect(await card.locator('[data-testid^="card-action-"]').count()).toBeGreaterThan(0);
    for (const part of ['card-kind', 'card-message', 'card-status']) {
      const box = await card.getByTestId(part).boundingBox();
      expect({ part, inside: box !== null && box.x + box.width <= 390 }).toEqual({ part, inside: true });
    }
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'errors-390.png'), fullPage: true });
    await page.screenshot({ path: join(README_IMAGES, 'errors-phone.png') });

    // A card's action asks for that one error.
    const action = card.locator('[data-testid^="card-action-"]').first();
    await action.click();
    await expect.poll(() => page.getByTestId('action-dialog').textContent()).toContain('1 selected record');
    await page.keyboard.press('Escape');
    await page.getByTestId('action-dialog').waitFor({ state: 'detached' });

    // The detail panel fits the phone too.
    await card.getByTestId('open-detail').click();
    await page.getByTestId('detail-message').waitFor();
    await page.waitForTimeout(400);
    const panel = await page.locator('.n-drawer').boundingBox();
    expect(panel !== null && panel.width <= 390).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'detail-390.png') });
    await page.close();
  });

  it('explains the job counters: tooltips on each and a key on the jobs page', async () => {
    const page = await signIn(browser, api.url, api.adminKey, '/jobs');
    await page.getByTestId('sync-job-row').first().waitFor();
    const legend = page.getByTestId('counter-legend');
    expect(await legend.textContent()).toContain('records inserted on the other side');
    expect(await legend.textContent()).toContain('records read and found unchanged');
    const inserted = page.getByTestId('sync-job-row').first().locator('abbr[data-counter="inserted"]');
    expect(await inserted.getAttribute('title')).toBe('records inserted on the other side');
    expect(await inserted.textContent()).toMatch(/^\+\d+$/);
    await page.close();
  });

  it('reads the errors list and its count once on a cold load', async () => {
    const page = await browser.context.newPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      const name = /(?:query|mutation)\s+(\w+)/.exec(request.postData() ?? '')?.[1];
      if (name === 'SyncErrors' || name === 'SyncErrorCount') asked.push(name);
    });
    await page.goto(`${api.url}/login`);
    await page.getByTestId('api-key-input').fill(api.adminKey);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${api.url}/`);
    asked.length = 0;
    // A cold load of the errors page: a new document, the route's prefetch, then the page itself.
    await page.goto(`${api.url}/errors`);
    await page.getByTestId('sync-error-row').first().waitFor();
    await expect.poll(() => page.getByTestId('total-count').textContent()).toMatch(/\d/);
    // The page has run its queries; a live re-read (the demo keeps opening errors) waits at least a second
    // after a change that arrives once the page's subscription is open, so none has happened yet.
    await page.waitForTimeout(600);
    expect(asked.sort()).toEqual(['SyncErrorCount', 'SyncErrors']);
    await page.close();
  });

  /**
   * Records, inside the page, the errors page's first paint (src/first-paint) as it first appears: its rows'
   * cells, and whether the app's own table was already there. Installed before the page's scripts run.
   */
  const FIRST_PAINT_WATCH = `(() => {
    const seen = (window.__firstPaintSeen = { rows: null, appTableBefore: null });
    const cells = (row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent.trim());
    new MutationObserver(() => {
      if (seen.rows) return;
      const rows = document.querySelectorAll('[data-testid="first-paint-row"]');
      if (rows.length === 0) return;
      seen.rows = [...rows].map((row) => ({ id: row.getAttribute('data-id'), cells: cells(row) }));
      seen.appTableBefore = document.querySelector('[data-testid="sync-error-row"]') !== null;
      const paint = document.getElementById('first-paint');
      seen.inert = paint.inert;
      // In the frame that paints it (the stylesheet loaded by then): shown, with the app hidden under it.
      requestAnimationFrame(() => {
        seen.shown = paint.isConnected && paint.getBoundingClientRect().height > 0;
        seen.appHidden = getComputedStyle(document.getElementById('app')).display === 'none';
        seen.tableTop = document.querySelector('[data-testid="sync-error-first-paint"]').getBoundingClientRect().top;
      });
    }).observe(document, { childList: true, subtree: true });
  })()`;

  async function signedInPage(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await browser.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(`${api.url}/login`);
    await page.getByTestId('api-key-input').fill(api.adminKey);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${api.url}/`);
    await page.addInitScript({ content: FIRST_PAINT_WATCH });
    return page;
  }

  /**
   * The console's code on a slow network (routing also bypasses the HTTP cache, where the sign-in left it):
   * the case the first paint is for. Without the delay the app may be ready first and draw itself.
   */
  async function slowAppFiles(page: Page): Promise<void> {
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
  }

  /** The app's error rows as the first paint's watcher records its own: id and each cell's text. */
  function appRowCells(page: Page): Promise<{ id: string | null; cells: string[] }[]> {
    return page.getByTestId('sync-error-row').evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.getAttribute('data-id'),
        cells: [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim()),
      })),
    );
  }

  it('a cold load of the errors page draws its rows before the app has loaded, the same cells as the app then shows, and hands over', async () => {
    const page = await signedInPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      const name = /(?:query|mutation)\s+(\w+)/.exec(request.postData() ?? '')?.[1];
      if (name) asked.push(name);
    });
    await slowAppFiles(page);
    await page.goto(`${api.url}/errors`);
    await page.getByTestId('sync-error-row').first().waitFor();
    const seen = (await page.evaluate('window.__firstPaintSeen')) as {
      rows: { id: string; cells: string[] }[] | null;
      appTableBefore: boolean;
      inert: boolean;
      shown: boolean;
      appHidden: boolean;
      tableTop: number;
    };
    // Drawn, read-only, over the hidden app, before the app's table existed.
    expect(seen.rows?.length).toBeGreaterThan(0);
    expect(seen).toMatchObject({ appTableBefore: false, inert: true, shown: true, appHidden: true });
    // The app's table shows the same rows with the same cells.
    const appRows = await appRowCells(page);
    expect(appRows).toEqual(seen.rows);
    // Handed over: the first paint is gone and the app shows; the list and the viewer were asked once.
    expect(await page.locator('#first-paint').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.className)).not.toContain('first-paint');
    expect(await page.locator('#app').isVisible()).toBe(true);
    // Nothing moved when the app took over: its table starts where the first paint's did.
    const appTableTop = await page
      .getByTestId('sync-error-table')
      .evaluate((table) => table.getBoundingClientRect().top);
    expect(Math.abs(appTableTop - seen.tableTop)).toBeLessThanOrEqual(2);
    await page.waitForTimeout(600);
    expect(asked.filter((name) => name === 'SyncErrors' || name === 'Viewer').sort()).toEqual(['SyncErrors', 'Viewer']);
    // And the app's table is live: a row's checkbox selects it.
    await page.getByTestId('select-row').first().check();
    await expect.poll(() => page.getByTestId('select-row').first().isChecked()).toBe(true);
    await page.close();
  });

  it('in Swedish, the first paint shows the same Swedish words and dates as the app', async () => {
    const page = await signedInPage();
    await page.addInitScript({ content: "localStorage.setItem('tandem.locale', 'sv')" });
    await slowAppFiles(page);
    await page.goto(`${api.url}/errors`);
    await page.getByTestId('sync-error-row').first().waitFor();
    const seen = (await page.evaluate('window.__firstPaintSeen')) as { rows: { id: string; cells: string[] }[] | null };
    expect(seen.rows?.length).toBeGreaterThan(0);
    const appRows = await appRowCells(page);
    expect(appRows).toEqual(seen.rows);
    // Swedish indeed: the status column says Öppen (not Open), the button Detaljer.
    expect(appRows[0]!.cells.at(-2)).toBe('Öppen');
    expect(appRows[0]!.cells.at(-1)).toBe('Detaljer');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
    await page.evaluate(() => localStorage.removeItem('tandem.locale'));
    await page.close();
  });

  it('draws no first paint at phone width (the app shows cards) or on another page', async () => {
    const phone = await signedInPage({ width: 390, height: 844 });
    await phone.goto(`${api.url}/errors`);
    await phone.getByTestId('sync-error-cards').waitFor();
    expect(await phone.evaluate('window.__firstPaintSeen.rows')).toBeNull();
    await phone.close();

    const jobs = await signedInPage();
    await jobs.goto(`${api.url}/jobs`);
    await jobs.getByTestId('sync-job-row').first().waitFor();
    expect(await jobs.evaluate('window.__firstPaintSeen.rows')).toBeNull();
    expect(await jobs.locator('#app').isVisible()).toBe(true);
    await jobs.close();
  });

  it('manages API keys: create (shown once, copy), list with role and last use, revoke; a revoked key is signed out with a message', async () => {
    const page = await signIn(browser, api.url, api.adminKey, '/api-keys');
    await page.getByTestId('api-key-row').first().waitFor();
    await page.getByLabel('Name').fill('e2e operator');
    await page.getByTestId('api-key-role').click();
    await page.locator('.n-base-select-option').filter({ hasText: 'Operator' }).click();
    await page.getByTestId('api-key-create').click();
    const secret = await page.getByTestId('api-key-secret').inputValue();
    expect(secret).toMatch(/^tdm_/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    await page.getByTestId('api-key-copy').click();
    await expect.poll(() => page.getByTestId('api-key-copy').textContent()).toContain('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const row = page.locator('[data-testid="api-key-row"][data-name="e2e operator"]');
    await row.waitFor();
    expect(await row.getByTestId('api-key-role-cell').textContent()).toBe('Operator');
    expect(await row.getByTestId('api-key-last-used').textContent()).toBe('Never');

    // The new key in use: another tab signs in with it.
    const other = await signIn(browser, api.url, secret, '/errors');
    await other.getByTestId('sync-error-row').first().or(other.getByTestId('errors-empty')).waitFor();
    await page.reload();
    await expect.poll(() => row.getByTestId('api-key-last-used').textContent()).not.toBe('Never');

    // Revoke, confirmed.
    await row.getByTestId('api-key-revoke').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.getByTestId('api-key-state').getAttribute('data-state')).toBe('REVOKED');
    const stored = await graphqlRequest<{ apiKeys: { edges: { node: { name: string; revokedAt: string | null } }[] } }>(
      api,
      api.adminKey,
      '{ apiKeys(first: 200) { edges { node { name revokedAt } } } }',
    );
    expect(stored.apiKeys.edges.find((edge) => edge.node.name === 'e2e operator')?.node.revokedAt).toBeTruthy();

    // The tab using it is signed out at its next request, and told why. That request may be its own: the
    // server closes the revoked key's live connection, and the page may ask again before we type (a race
    // that once left this test waiting 30 s for a filter box already gone to the login page).
    const signedOut = other.waitForURL(/\/login/);
    await other
      .getByTestId('filter-search')
      .fill('anything', { timeout: 5_000 })
      .catch(() => undefined);
    await signedOut;
    expect(await other.getByTestId('signed-out-reason').textContent()).toContain('no longer accepted');
    await other.close();
    await page.close();
  });

  it('a viewer has no API keys link and the page says admins only', async () => {
    const page = await signIn(browser, api.url, await createApiKey(api, 'VIEWER', 'e2e reach viewer'), '/api-keys');
    await page.getByTestId('api-keys-forbidden').waitFor();
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await page.close();
  });
});
