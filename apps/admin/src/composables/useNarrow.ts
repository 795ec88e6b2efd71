import { onBeforeUnmount, ref } from 'vue';
import { NARROW_MAX_PX } from './narrow-width';

export { NARROW_MAX_PX } from './narrow-width';

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
