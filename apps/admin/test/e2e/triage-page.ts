import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export { type Browser, CHROMIUM, launchBrowser, signIn } from './chromium';

export function errorRow(page: Page, errorId: string): Locator {
  return page.locator(`[data-testid="sync-error-row"][data-id="${errorId}"]`);
}

/** Ticks the rows of these errors (they must be on the page shown). */
export async function tickRows(page: Page, errorIds: readonly string[]): Promise<void> {
  for (const id of errorIds) {
    const row = errorRow(page, id);
    await row.waitFor();
    await row.getByTestId('select-row').click();
  }
  await expect
    .poll(() => page.getByTestId('selection-bar').textContent())
    .toContain(`${errorIds.length} error${errorIds.length === 1 ? '' : 's'} selected on this page`);
}

/** Opens an action's confirmation dialog from the toolbar; returns the dialog. */
export async function askAction(page: Page, action: string): Promise<Locator> {
  await page.getByTestId(`action-${action}`).click();
  const dialog = page.getByTestId('action-dialog');
  await dialog.getByTestId('action-confirmation').waitFor();
  return dialog;
}

/** Confirms the dialog and waits for the per-item outcome; returns its counts line. */
export async function confirmAction(page: Page): Promise<string> {
  await page.getByTestId('action-confirm').click();
  const counts = page.getByTestId('outcome-counts');
  await counts.waitFor();
  return (await counts.textContent()) ?? '';
}
