import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyDocument } from '@urql/core';
import type { Browser } from 'playwright-core';
import { SyncErrorsQuery } from '../src/graphql/sync-errors.js';
import { PROBE_SOURCE, type ProbeResult } from './render-probe.js';

/** Where the floor page is written in the console's build folder, and so served by the same server. */
export const FLOOR_PAGE = 'bench-floor.html';

/**
 * The floor of admin-errors-page: the least a browser can do to show the same 50 rows from the same
 * server — a plain HTML document whose inline script sends the page's own SyncErrors query (same text,
 * same variables) with the same key and writes the answer as a plain <table>. No framework, no chunks,
 * no styles to load. Its rows carry the same test ids, so the same probe sees them painted.
 */
export function writeFloorPage(adminDir: string, filter: Record<string, unknown>): void {
  const request = JSON.stringify({
    operationName: 'SyncErrors',
    query: stringifyDocument(SyncErrorsQuery),
    variables: { filter, first: 50, after: null },
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title></head>
<body><table data-testid="sync-error-table"><tbody id="rows"></tbody></table>
<script>
fetch('/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem('tandem.apiKey') },
  body: ${JSON.stringify(request)},
}).then((response) => response.json()).then((body) => {
  const rows = body.data.syncErrors.edges.map(({ node }) => {
    const row = document.createElement('tr');
    row.setAttribute('data-testid', 'sync-error-row');
    row.setAttribute('data-id', node.id);
    for (const value of [node.occurredAt, node.mapping.name, node.kind, node.message, node.localId, node.integrationId, node.status]) {
      const cell = document.createElement('td');
      cell.textContent = value ?? '—';
      row.appendChild(cell);
    }
    return row;
  });
  document.getElementById('rows').append(...rows);
});
</script></body></html>`;
  writeFileSync(join(adminDir, FLOOR_PAGE), html);
}

/** One floor run in a new browser context (empty cache and storage): navigation to the frame painting the rows. */
export async function measureFloor(browser: Browser, url: string, key: string, ids: string[]): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript({ content: PROBE_SOURCE });
    await context.addInitScript({
      content: `if (location.origin === ${JSON.stringify(url)}) {
        sessionStorage.setItem('tandem.apiKey', ${JSON.stringify(key)});
        window.__benchFirst = window.__benchProbe.watch(${JSON.stringify(ids)});
      }`,
    });
    const page = await context.newPage();
    await page.goto(`${url}/${FLOOR_PAGE}`);
    const painted = (await page.evaluate('window.__benchFirst')) as ProbeResult;
    return painted.frameMs;
  } finally {
    await context.close();
  }
}
