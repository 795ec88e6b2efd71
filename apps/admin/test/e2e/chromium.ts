import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it): the e2e files skip without it. */
export const CHROMIUM = '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a profile of its own, a laptop-sized window, and nothing that reaches outside
 * the machine (no sandbox in containers, no GPU, no background networking, updates or sync).
 */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tandem-admin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new tab signed in with `key` (each tab keeps its own session in sessionStorage, so a new one starts
 * signed out): it asks for `path`, is sent to the login page, signs in, and is returned once the console
 * has taken it back to `path`'s page (the login's redirect keeps the query).
 */
export async function signIn(browser: Browser, baseUrl: string, key: string, path = '/errors'): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/login\?redirect=/);
  await page.getByTestId('api-key-input').fill(key);
  await page.getByTestId('sign-in').click();
  const landing = new URL(path, baseUrl).pathname;
  await page.waitForURL((url) => url.pathname === landing);
  return page;
}
