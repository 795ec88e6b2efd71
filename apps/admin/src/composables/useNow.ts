import { onBeforeUnmount, ref, type WatchSource, watch } from 'vue';

/** The current time, ticking each second while `active` is true (running jobs' durations); no API calls. */
export function useNow(active: WatchSource<boolean>) {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  watch(
    active,
    (on) => {
      clearInterval(timer);
      timer = on ? setInterval(() => (now.value = Date.now()), 1000) : undefined;
      now.value = Date.now();
    },
    { immediate: true },
  );
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
