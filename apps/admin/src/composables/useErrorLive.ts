import { useSubscription } from '@urql/vue';
import { computed, onScopeDispose, type Ref, ref, watch } from 'vue';
import { SyncErrorsChangedSubscription } from '../graphql/sync-errors';
import { type Activity, CURRENT, isBusy, type LiveEvent, type LiveState, liveStep } from './error-live';

export interface ErrorLiveOptions {
  /** The page's mapping filter: only that mapping's changes concern it (null: every mapping). */
  mappingId: Ref<string | null>;
  /** What the user is doing: a re-read waits while they are in the middle of something. */
  activity: Ref<Activity>;
  /** Changes whenever the page shows another list (filter, view, page): that list is read fresh anyway. */
  listKey: Ref<string>;
  /** Reads the page again; `quiet` when it happens by itself, so the table need not flash its spinner. */
  reread: (quiet: boolean) => void;
}

/**
 * Keeps the errors page current from `syncErrorsChanged` (no polling): re-reads it after a burst of
 * changes, or, while the user is in the middle of something, sets `notice` and waits (error-live.ts).
 */
export function useErrorLive(options: ErrorLiveOptions) {
  const state = ref<LiveState>(CURRENT);
  let timer: ReturnType<typeof setTimeout> | undefined;

  function apply(event: LiveEvent) {
    const step = liveStep(state.value, event, isBusy(options.activity.value));
    state.value = step.state;
    clearTimeout(timer);
    timer = step.wait === null ? undefined : setTimeout(() => apply({ type: 'settled', at: Date.now() }), step.wait);
    if (step.reread) options.reread(true);
  }

  const live = useSubscription(
    {
      query: SyncErrorsChangedSubscription,
      variables: computed(() => ({ mappingId: options.mappingId.value })),
    },
    (_previous, event) => {
      apply({ type: 'changed', at: Date.now() });
      return event;
    },
  );

  watch(
    () => isBusy(options.activity.value),
    () => apply({ type: 'activity' }),
  );
  watch(options.listKey, () => apply({ type: 'reread' }));
  onScopeDispose(() => clearTimeout(timer));

  return {
    /** "Errors changed — Refresh" is due. */
    notice: computed(() => state.value.notice),
    /** The subscription failed: the page no longer follows changes by itself. */
    error: live.error,
    /** Read the page again now (the notice's Refresh, or after an action). */
    refresh() {
      apply({ type: 'reread' });
      options.reread(false);
    },
  };
}
