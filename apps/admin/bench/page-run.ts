import type { Browser, Page, Request } from 'playwright-core';
import { PROBE_SOURCE, type ProbeResult } from './render-probe.js';
import { rendererMainCpuMs, TRACE_CATEGORIES } from './trace-cpu.js';

/** Where one measured stretch went: the page's SyncErrors request and the rendering after its answer. */
export interface Stretch {
  /** From the stretch's start (navigation or mousedown) until the request was sent. */
  requestSentMs: number;
  /** From sending the request to the last byte of its answer (the server's work plus loopback). */
  requestMs: number;
  /** From the answer's last byte to the frame that paints the rows. */
  renderMs: number;
}

export interface PageRun {
  /** Navigation to the frame that paints the first page's rows: the first paint's, or the app's without one. */
  firstMs: number;
  /** Navigation to the frame that paints the app's own table of those rows (live: selectable, clickable). */
  appMs: number;
  /** When the last JavaScript file of the first load had arrived (ms after navigation). */
  scriptsLoadedMs: number;
  filterMs: number;
  first: Stretch;
  filter: Stretch;
  /** With `trace`: the renderer's main-thread CPU time during the first load and during the filter change. */
  cpu?: { firstMs: number; filterMs: number };
}

/** The SyncErrors requests of a page, as the browser timed them (epoch ms). */
function watchSyncErrorsRequests(page: Page): { sentAt: number; answeredAt: number }[] {
  const seen: { sentAt: number; answeredAt: number }[] = [];
  page.on('requestfinished', (request: Request) => {
    const body = request.method() === 'POST' ? (request.postDataJSON() as { operationName?: string } | null) : null;
    if (body?.operationName !== 'SyncErrors') return;
    const timing = request.timing();
    const sent = timing.startTime + Math.max(0, timing.requestStart);
    seen.push({ sentAt: sent, answeredAt: timing.startTime + timing.responseEnd });
  });
  return seen;
}

/**
 * The first SyncErrors request sent at or after `fromEpochMs`. A first load may send two (the route's
 * prefetch, then the page's cache-and-network refresh), so requests are told apart by time, not number.
 */
async function requestSince(seen: { sentAt: number; answeredAt: number }[], fromEpochMs: number) {
  for (let waited = 0; ; waited += 10) {
    const request = seen.find((candidate) => candidate.sentAt >= fromEpochMs);
    if (request) return request;
    if (waited > 5_000) throw new Error(`no SyncErrors request was sent after ${fromEpochMs}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One run in a new browser context (empty HTTP cache and storage): open /errors signed in (the key put in
 * sessionStorage before the console's scripts run, where useSession reads it) and wait for `firstIds`, in
 * the first paint or the app's table whichever comes first, and then in the app's own table;
 * then choose the kind "Update conflict" in the filter with the mouse and wait for `filterIds`. With
 * `trace`, Chromium traces both stretches (which slows them: such runs are for the CPU figures only).
 */
export async function measureFirstAndFilter(
  browser: Browser,
  url: string,
  key: string,
  firstIds: string[],
  filterIds: string[],
  trace = false,
): Promise<PageRun> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript({ content: PROBE_SOURCE });
    // about:blank (a new tab's first document) has no sessionStorage: only the console's pages get the key.
    await context.addInitScript({
      content: `if (location.origin === ${JSON.stringify(url)}) {
        sessionStorage.setItem('tandem.apiKey', ${JSON.stringify(key)});
        window.__benchFirst = window.__benchProbe.watch(${JSON.stringify(firstIds)}, 'any');
        window.__benchApp = window.__benchProbe.watch(${JSON.stringify(firstIds)}, 'app');
      }`,
    });
    const page = await context.newPage();
    const requests = watchSyncErrorsRequests(page);
    const traced = async <T>(stretch: () => Promise<T>): Promise<[T, number]> => {
      if (!trace) return [await stretch(), 0];
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const result = await stretch();
      return [result, rendererMainCpuMs(await browser.stopTracing())];
    };
    const [[first, app], firstCpu] = await traced(async () => {
      await page.goto(`${url}/errors`);
      return [
        (await page.evaluate('window.__benchFirst')) as ProbeResult,
        (await page.evaluate('window.__benchApp')) as ProbeResult,
      ] as const;
    });
    const timeOrigin = (await page.evaluate('performance.timeOrigin')) as number;
    const scriptsLoadedMs = (await page.evaluate(
      `Math.max(...performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js')).map((e) => e.responseEnd))`,
    )) as number;
    const firstRequest = await requestSince(requests, timeOrigin);

    await page.getByTestId('filter-kind').click();
    const option = page.locator('.n-base-select-option', { hasText: 'Update conflict' });
    await option.waitFor();
    await page.evaluate(`(() => {
      window.__benchProbe.armInput();
      window.__benchFilter = window.__benchProbe.watch(${JSON.stringify(filterIds)});
      return 0;
    })()`);
    const [filter, filterCpu] = await traced(async () => {
      await option.click();
      return (await page.evaluate('window.__benchFilter')) as ProbeResult;
    });
    if (filter.inputMs === null) throw new Error('the option was chosen without a mousedown');
    const filterRequest = await requestSince(requests, timeOrigin + filter.inputMs);

    const at = (epochMs: number) => epochMs - timeOrigin;
    return {
      firstMs: first.frameMs,
      appMs: app.frameMs,
      scriptsLoadedMs,
      filterMs: filter.frameMs - filter.inputMs,
      first: {
        requestSentMs: at(firstRequest.sentAt),
        requestMs: firstRequest.answeredAt - firstRequest.sentAt,
        renderMs: first.frameMs - at(firstRequest.answeredAt),
      },
      filter: {
        requestSentMs: at(filterRequest.sentAt) - filter.inputMs,
        requestMs: filterRequest.answeredAt - filterRequest.sentAt,
        renderMs: filter.frameMs - at(filterRequest.answeredAt),
      },
      ...(trace ? { cpu: { firstMs: firstCpu, filterMs: filterCpu } } : {}),
    };
  } finally {
    await context.close();
  }
}
