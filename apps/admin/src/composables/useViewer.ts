import { useQuery } from '@urql/vue';
import { type ComputedRef, computed, type InjectionKey, inject, provide } from 'vue';
import type { ResultOf } from '../graphql/tada';
import { ViewerQuery } from '../graphql/viewer';
import { canAct } from './roles';

export type Viewer = ResultOf<typeof ViewerQuery>['viewer'];

const ViewerKey: InjectionKey<ComputedRef<Viewer | null>> = Symbol('viewer');

/** Asked once by the app shell; pages read it with useViewer(). */
export function provideViewer() {
  const query = useQuery({ query: ViewerQuery });
  const viewer = computed(() => query.data.value?.viewer ?? null);
  provide(ViewerKey, viewer);
  return { viewer, error: query.error };
}

/** Until the role is known nothing is actionable, so a viewer never sees buttons flash by. */
export function useViewer() {
  const viewer = inject(
    ViewerKey,
    computed(() => null),
  );
  return { viewer, canAct: computed(() => canAct(viewer.value?.role)) };
}
