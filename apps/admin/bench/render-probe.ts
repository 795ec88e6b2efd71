/**
 * Runs inside the page (added as an init script, so it is there before the console's own scripts). It is
 * plain JavaScript in a string on purpose: tsx compiles functions with helpers (`__name`) that do not
 * exist in the browser, so a serialized TypeScript function would not run there.
 *
 * `window.__benchProbe.watch(ids, which)` resolves once a table shows exactly these rows, in this order
 * (`data-id` of each row), is not in its loading state (`aria-busy`) and the first row has a size (styles
 * applied, laid out, not hidden). `which` 'app' is the console's own errors table (`sync-error-table`);
 * 'any' is also the page's first paint (`sync-error-first-paint`, drawn before the app has loaded, whose
 * rows the user reads just the same): `domMs` is when the DOM got there, `frameMs` the start of the next animation frame,
 * the frame that paints them. `armInput()` remembers the time of the next mousedown, the start of a
 * filter change. Times are `performance.now()`: milliseconds since the navigation started.
 */
export const PROBE_SOURCE = `(() => {
  const TABLES = {
    app: [['sync-error-table', 'sync-error-row']],
    any: [['sync-error-table', 'sync-error-row'], ['sync-error-first-paint', 'first-paint-row']],
  };
  function tableShows(tableId, rowId, ids) {
    const table = document.querySelector('[data-testid="' + tableId + '"]');
    if (!table || table.getAttribute('aria-busy') === 'true') return false;
    const rows = table.querySelectorAll('[data-testid="' + rowId + '"]');
    if (rows.length !== ids.length) return false;
    for (let i = 0; i < ids.length; i++) if (rows[i].getAttribute('data-id') !== ids[i]) return false;
    return rows.length === 0 || rows[0].getBoundingClientRect().height > 0;
  }
  function shows(ids, which) {
    return TABLES[which].some(([tableId, rowId]) => tableShows(tableId, rowId, ids));
  }
  let inputAt = null;
  window.__benchProbe = {
    watch(ids, which = 'app') {
      return new Promise((resolve) => {
        const done = () => {
          const domMs = performance.now();
          requestAnimationFrame(() => resolve({ domMs, frameMs: performance.now(), inputMs: inputAt }));
        };
        if (document.documentElement && shows(ids, which)) return done();
        const observer = new MutationObserver(() => {
          if (!shows(ids, which)) return;
          observer.disconnect();
          done();
        });
        observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
      });
    },
    armInput() {
      inputAt = null;
      window.addEventListener('mousedown', () => { inputAt = performance.now(); }, { capture: true, once: true });
    },
  };
})();`;

export interface ProbeResult {
  domMs: number;
  frameMs: number;
  /** The armed mousedown's time, or null when none was armed (the first load). */
  inputMs: number | null;
}
