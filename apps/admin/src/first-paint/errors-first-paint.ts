import { MESSAGES, QUERIES } from 'virtual:first-paint-data';
import { ERROR_TABLE_COLUMNS, SELECT_COLUMN_WIDTH } from '../components/sync-error/error-table-columns';
import type { SyncErrorRow } from '../components/sync-error/SyncErrorTable.vue';
import { errorListVariables, filterFromQuery } from '../composables/error-filter';
import { KIND_TONES } from '../composables/error-kinds';
import { FIRST_PAINT_CLASS, FIRST_PAINT_ID, firstPaintOver, holdAppFor } from '../composables/first-paint-handover';
import { NARROW_MAX_PX } from '../composables/narrow-width';
import { canAct } from '../composables/roles';
import { readStoredKey } from '../composables/session-key';
import { sendEarly } from '../graphql/early-requests';
import { apiUrls, bearer } from '../graphql/urls';
import { intlLocaleOf, type Locale, preferredLocale, TABLE_TIME_FORMAT } from '../i18n/locale-choice';

/**
 * The errors page's first paint: a script inlined into index.html (build/first-paint.ts) that runs while
 * the browser is still downloading the console. On a direct visit to /errors, signed in, on a screen wide
 * enough for the table, it asks the API the page's own two questions (the viewer's role, the list's first
 * page, with the variables the page itself will use) and draws that page read-only — the header, the title,
 * the table with the same rows, classes and widths — over the app's still-hidden root. The app's urql
 * client later takes these very answers (graphql/early-requests.ts), and its errors list ends the first
 * paint once it shows its own rows (endFirstPaint): the same table, now live. Without the first paint the
 * screen stays blank until ~1 MB of JavaScript has arrived and run (docs/BENCHMARKS.md, admin-errors-page).
 *
 * Anything unexpected (another page, no key, a phone, the grouped view, an error, an empty list, the app
 * already there) draws nothing, and the app shows the page as it always did.
 */

interface ViewerData {
  viewer: { role: string } | null;
}

interface SyncErrorsData {
  syncErrors: { edges: { node: SyncErrorRow }[] };
}

/** The URL's query as vue-router gives it to the page (a repeated parameter as a list). */
function routeQuery(search: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) query[name] = [...(query[name] ?? []), value];
  return query;
}

/** The answer's data; throws on anything but a 200 with data and no errors (the app then reports it). */
async function dataOf<T>(response: Promise<Response>): Promise<T> {
  // Cloned: the app's client reads the original body when it takes this answer.
  const answer = (await response).clone();
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  const body = (await answer.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error('the API answered with errors');
  return body.data;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function draw(viewer: ViewerData, rows: SyncErrorRow[], locale: Locale, time: Intl.DateTimeFormat): void {
  // The app may have mounted already (its shell, waiting for its page's code): it stays hidden under the
  // first paint until its list shows. Once it has shown it (firstPaintOver), this answer came too late.
  if (firstPaintOver() || rows.length === 0) return;
  const app = document.getElementById('app');
  if (!app) return;
  const message = (key: string) => escapeHtml(MESSAGES[locale][key] ?? MESSAGES.en[key] ?? '');
  const selectable = canAct(viewer.viewer?.role);

  const widths = [...(selectable ? [SELECT_COLUMN_WIDTH] : []), ...ERROR_TABLE_COLUMNS.map((column) => column.width)];
  const cols = widths.map((width) => (width ? `<col style="width:${width}px">` : '<col>')).join('');
  const headers =
    (selectable ? '<th scope="col"><input type="checkbox" class="cell-check"></th>' : '') +
    ERROR_TABLE_COLUMNS.map((column) => `<th scope="col">${column.header ? message(column.header) : ''}</th>`).join('');
  // The cells of SyncErrorTable.vue's table row, in its order and with its classes (the e2e suite compares
  // the two tables' text cell by cell).
  const body = rows
    .map(
      (row) =>
        `<tr data-testid="first-paint-row" data-id="${escapeHtml(row.id)}">` +
        (selectable ? '<td><input type="checkbox" class="cell-check"></td>' : '') +
        `<td>${escapeHtml(time.format(new Date(row.occurredAt)))}</td>` +
        `<td class="cell-text">${escapeHtml(row.mapping.name)}</td>` +
        `<td><span class="cell-tag cell-tag--${KIND_TONES[row.kind]}">${message(`kinds.${row.kind}`)}</span></td>` +
        `<td><span class="cell-message">${escapeHtml(row.message)}</span></td>` +
        `<td class="cell-text">${escapeHtml(row.localId ?? '—')}</td>` +
        `<td class="cell-text">${escapeHtml(row.integrationId ?? '—')}</td>` +
        `<td><span class="cell-tag cell-tag--${row.status === 'OPEN' ? 'error' : 'success'}">${message(`errorStatus.${row.status}`)}</span></td>` +
        `<td><button type="button" class="cell-button">${message('errors.table.details')}</button></td>` +
        '</tr>',
    )
    .join('');

  const paint = document.createElement('div');
  paint.id = FIRST_PAINT_ID;
  // Read-only until the app takes over: nothing in it can be focused or clicked, and it says it is loading.
  paint.inert = true;
  paint.setAttribute('aria-busy', 'true');
  paint.setAttribute('aria-label', MESSAGES[locale]['errors.table.loading'] ?? '');
  paint.innerHTML =
    `<header class="first-paint-header"><span class="first-paint-brand">${message('shell.brand')}</span></header>` +
    `<main class="first-paint-content"><div class="page"><h1>${message('errors.title')}</h1>` +
    '<div class="first-paint-card first-paint-filters"></div>' +
    `<div class="first-paint-card">${selectable ? '<div class="first-paint-toolbar"></div>' : ''}` +
    `<div class="error-table-wrap"><table class="error-table" data-testid="sync-error-first-paint"><colgroup>${cols}</colgroup>` +
    `<thead><tr>${headers}</tr></thead><tbody>${body}</tbody></table></div></div></div></main>`;
  document.documentElement.lang = locale;
  document.documentElement.classList.add(FIRST_PAINT_CLASS);
  app.before(paint);
  // For the browser's performance tools (and real-user monitoring): when the rows went into the page.
  performance.mark('tandem:first-paint');
}

function start(): void {
  if (location.pathname.replace(/\/+$/, '') !== '/errors') return;
  if (window.matchMedia(`(max-width: ${NARROW_MAX_PX}px)`).matches) return; // phones get the app's cards
  const key = readStoredKey();
  if (!key) return;
  const state = filterFromQuery(routeQuery(location.search));
  if (state.view !== 'list') return;
  const url = apiUrls(location.origin).http;
  const authorization = bearer(key);
  const viewer = sendEarly(url, authorization, { operationName: 'Viewer', query: QUERIES.viewer, variables: {} });
  const list = sendEarly(url, authorization, {
    operationName: 'SyncErrors',
    query: QUERIES.syncErrors,
    variables: errorListVariables(state),
  });
  holdAppFor([viewer, list]);
  // Made while the answers are on their way: a tab's first Intl call loads ICU's locale data (20–60 ms of
  // the main thread, measured), which would otherwise come between the answer and the paint.
  const locale = preferredLocale();
  const time = new Intl.DateTimeFormat(intlLocaleOf(locale), TABLE_TIME_FORMAT);
  time.format(0);
  Promise.all([dataOf<ViewerData>(viewer), dataOf<SyncErrorsData>(list)])
    .then(([viewerData, listData]) => {
      const rows = listData.syncErrors.edges.map((edge) => edge.node);
      // The script runs in <head>: the answer may come before the parser has reached #app (it need not
      // wait for the rest of the document, whose last script waits for the stylesheet).
      if (document.getElementById('app')) draw(viewerData, rows, locale, time);
      else document.addEventListener('readystatechange', () => draw(viewerData, rows, locale, time), { once: true });
    })
    .catch(() => {
      // Nothing drawn: the app asks again and shows what went wrong, as on any other load.
    });
}

try {
  start();
} catch {
  // Storage or matchMedia unavailable: no first paint, the app loads as usual.
}
