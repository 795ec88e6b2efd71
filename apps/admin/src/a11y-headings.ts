/**
 * Naive UI's card titles are `role="heading"` without the `aria-level` that role requires (axe:
 * aria-required-attr, serious): a screen reader cannot place them in the page's outline. Cards sit
 * under each page's h1, so their titles are level 2. Set on every such element as it appears.
 */
export function levelCardHeadings(root: HTMLElement): void {
  const fix = () => {
    for (const heading of root.querySelectorAll('[role="heading"]:not([aria-level])')) {
      heading.setAttribute('aria-level', '2');
    }
  };
  fix();
  new MutationObserver(fix).observe(root, { childList: true, subtree: true });
}
