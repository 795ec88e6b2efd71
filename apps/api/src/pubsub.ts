import { setMaxListeners } from 'node:events';
import type { AlertStateChange, InProcessEventBus, SyncJobSnapshot } from '@tandem/sync-core';
import { createPubSub, type PubSub } from 'graphql-yoga';

/** What the GraphQL subscriptions listen to. Plain JSON payloads, so a Redis event target can carry them. */
export type TandemPubSubTopics = {
  syncJobChanged: [job: SyncJobSnapshot];
  syncErrorsChanged: [change: { mappingId: number }];
  /** A mapping's settings were changed (updateTableMapping): open consoles re-read it. */
  tableMappingChanged: [change: { mappingId: number }];
  /** A rule's state for a mapping changed (alerts). */
  alertStateChanged: [change: AlertStateChange];
};
export type TandemPubSub = PubSub<TandemPubSubTopics>;

/**
 * Yoga's pub/sub, fed from sync-core's event bus. The default event target is in-process; passing a Redis
 * event target (`@graphql-yoga/redis-event-target`) makes events from worker processes reach every API
 * instance without any other change. Returns the pub/sub and a function that detaches the bridge.
 */
export function bridgeEvents(
  events: InProcessEventBus,
  options: Parameters<typeof createPubSub<TandemPubSubTopics>>[0] = {},
): { pubsub: TandemPubSub; detach: () => void } {
  // One listener per open subscription: the default cap of 10 would warn at the 11th dashboard.
  const eventTarget = options.eventTarget ?? new EventTarget();
  if (eventTarget instanceof EventTarget) setMaxListeners(0, eventTarget);
  const pubsub = createPubSub<TandemPubSubTopics>({ ...options, eventTarget });
  const detach = events.subscribe((event) => {
    if (event.type === 'syncJobChanged') pubsub.publish('syncJobChanged', event.job);
    else if (event.type === 'alertStateChanged') pubsub.publish('alertStateChanged', event.change);
    else pubsub.publish('syncErrorsChanged', { mappingId: event.mappingId });
  });
  return { pubsub, detach };
}
