/**
 * Naive UI's card titles are `role="heading"` without the `aria-level` that role requires (axe:
 * aria-required-attr, serious): a screen reader cannot place them in the page's outline. Cards sit
 * under each page's h1, so their titles are level 2. Set on each such element as it is added (only the
 * added subtrees are searched, so rendering a table costs next to nothing here).
 */
export function levelCardHeadings(root: HTMLElement): void {
  const fix = (within: Element) => {
    const found = within.matches('[role="heading"]:not([aria-level])') ? [within] : [];
    for (const heading of [...found, ...within.querySelectorAll('[role="heading"]:not([aria-level])')]) {
      heading.setAttribute('aria-level', '2');
    }
  };
  fix(root);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) fix(node);
    }
  }).observe(root, { childList: true, subtree: true });
}
