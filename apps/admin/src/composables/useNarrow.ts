import { onBeforeUnmount, ref } from 'vue';

/** The width below which the console lays lists out as cards and folds the header into a menu. */
export const NARROW_MAX_PX = 760;

/**
 * True while the window is at most NARROW_MAX_PX wide (a phone, a tablet held upright), following rotation
 * and resizing. Components that lay out differently render one layout, not both hidden by CSS.
 */
export function useNarrow() {
  const query = window.matchMedia(`(max-width: ${NARROW_MAX_PX}px)`);
  const narrow = ref(query.matches);
  const follow = (event: MediaQueryListEvent) => {
    narrow.value = event.matches;
  };
  query.addEventListener('change', follow);
  onBeforeUnmount(() => query.removeEventListener('change', follow));
  return narrow;
}
