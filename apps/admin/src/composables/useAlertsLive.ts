import { useQuery, useSubscription } from '@urql/vue';
import { computed } from 'vue';
import { AlertStateChangedSubscription, FiringAlertsQuery } from '../graphql/alerts';
import type { ResultOf } from '../graphql/tada';

export type AlertState = ResultOf<typeof FiringAlertsQuery>['alertStates']['edges'][number]['node'];

/**
 * What fires now: the query's picture, then each `alertStateChanged` event moves one state in or out
 * (a state is one rule on one mapping), so the panel follows without polling.
 */
export function useFiringAlerts() {
  const query = useQuery({ query: FiringAlertsQuery, requestPolicy: 'cache-and-network' });
  const live = useSubscription({ query: AlertStateChangedSubscription }, (changes: AlertState[] = [], event) => [
    ...changes.filter((change) => change.id !== event.alertStateChanged.id),
    event.alertStateChanged,
  ]);
  const firing = computed(() =>
    applyChanges(query.data.value?.alertStates.edges.map((edge) => edge.node) ?? [], live.data.value ?? []),
  );
  return {
    firing,
    error: computed(() => query.error.value ?? live.error.value),
    refetch: () => query.executeQuery({ requestPolicy: 'network-only' }),
  };
}

/** The firing states once the changes seen since are applied: newest first. */
export function applyChanges(initial: readonly AlertState[], changes: readonly AlertState[]): AlertState[] {
  const byId = new Map(initial.map((state) => [state.id, state]));
  for (const change of changes) {
    if (change.status === 'FIRING') byId.set(change.id, change);
    else byId.delete(change.id);
  }
  return [...byId.values()].sort((a, b) => b.changedAt.localeCompare(a.changedAt));
}
