import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';

export interface RedisEvents {
  /** The event target to build the GraphQL pub/sub on: topics travel as `PREFIX:topic` Redis channels. */
  eventTarget: EventTarget;
  /** Whether both connections are up (for /readyz). */
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * Subscription events across processes: yoga's Redis event target on two connections (Redis needs one
 * of its own for SUBSCRIBE), so that a client subscribed to any API process sees the events of a job run
 * by any worker. Channels are prefixed per deployment (`queue.prefix`), so two Tandems on one Redis never
 * hear each other. While Redis is away an event is lost rather than queued — subscribers re-read on
 * reconnect — and a failed publish is reported, never an unhandled rejection that would stop the process.
 */
export function createRedisEvents(url: string, prefix: string, onError: (error: unknown) => void): RedisEvents {
  // Fail a publish fast while Redis is away instead of holding events (and memory) until it returns.
  const publisher = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const subscriber = new Redis(url);
  for (const client of [publisher, subscriber]) client.on('error', onError);
  const safePublisher = {
    publish: (channel: string, message: string) => publisher.publish(channel, message).catch(onError),
  } as unknown as Redis;
  const target = createRedisEventTarget<CustomEvent>({ publishClient: safePublisher, subscribeClient: subscriber });
  const channel = (topic: string) => `${prefix}:${topic}`;
  const eventTarget = {
    addEventListener: (topic: string, listener: EventListenerOrEventListenerObject | null) =>
      target.addEventListener(channel(topic), listener as never),
    removeEventListener: (topic: string, listener: EventListenerOrEventListenerObject | null) =>
      target.removeEventListener(channel(topic), listener as never),
    dispatchEvent: (event: Event) =>
      target.dispatchEvent(new CustomEvent(channel(event.type), { detail: (event as CustomEvent).detail })),
  } as EventTarget;
  return {
    eventTarget,
    ready: () => publisher.status === 'ready' && subscriber.status === 'ready',
    close: async () => {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
