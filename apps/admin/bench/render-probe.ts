/**
 * Runs inside the page (added as an init script, so it is there before the console's own scripts). It is
 * plain JavaScript in a string on purpose: tsx compiles functions with helpers (`__name`) that do not
 * exist in the browser, so a serialized TypeScript function would not run there.
 *
 * `window.__benchProbe.watch(ids)` resolves once the errors table shows exactly these rows, in this order
 * (`data-id` of each `sync-error-row`), is not in its loading state (`aria-busy`) and the first row has a size (styles
 * applied, laid out): `domMs` is when the DOM got there, `frameMs` the start of the next animation frame,
 * the frame that paints them. `armInput()` remembers the time of the next mousedown, the start of a
 * filter change. Times are `performance.now()`: milliseconds since the navigation started.
 */
export const PROBE_SOURCE = `(() => {
  function shows(ids) {
    const table = document.querySelector('[data-testid="sync-error-table"]');
    if (!table || table.getAttribute('aria-busy') === 'true') return false;
    const rows = table.querySelectorAll('[data-testid="sync-error-row"]');
    if (rows.length !== ids.length) return false;
    for (let i = 0; i < ids.length; i++) if (rows[i].getAttribute('data-id') !== ids[i]) return false;
    return rows.length === 0 || rows[0].getBoundingClientRect().height > 0;
  }
  let inputAt = null;
  window.__benchProbe = {
    watch(ids) {
      return new Promise((resolve) => {
        const done = () => {
          const domMs = performance.now();
          requestAnimationFrame(() => resolve({ domMs, frameMs: performance.now(), inputMs: inputAt }));
        };
        if (document.documentElement && shows(ids)) return done();
        const observer = new MutationObserver(() => {
          if (!shows(ids)) return;
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
