import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';
import type { ApiAccess } from './api-access.js';
import type { SessionEndReason } from './key-sessions.js';

/**
 * Every subscription (SSE or WebSocket) is a session of its key: the key's cap on open subscriptions is
 * checked before it starts, and when the key is revoked or expires the stream ends — the SSE response
 * completes, the WebSocket subscription completes (server.ts also closes the socket itself with 4403).
 */
export function useSessionLimits(access: ApiAccess): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const caller = (args.contextValue as unknown as GraphQLContext).caller;
      if (!caller) return;
      if (access.sessions.count(caller.keyId, 'subscription') >= access.limits.subscriptionsPerKey) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `this API key has ${access.limits.subscriptionsPerKey} subscriptions open, the most it may have`,
              { extensions: { code: 'RATE_LIMITED' } },
            ),
          ],
        });
        return;
      }
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          let close: () => void = () => {};
          const ended = new Promise<SessionEndReason>((resolve) => {
            close = access.sessions.open(caller, 'subscription', resolve);
          });
          setResult(untilEnded(result, ended, close));
        },
      };
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * The source's events until `ended` settles; then the source is returned (its pub/sub listener removed)
 * and the consumer sees the end of the stream. `release` runs once however the stream ends.
 */
function untilEnded<T>(
  source: AsyncIterable<T>,
  ended: Promise<unknown>,
  release: () => void,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      release();
      await iterator.return?.();
    }
    return { done: true, value: undefined };
  };
  const endedResult = ended.then(() => finish());
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (done) return { done: true, value: undefined };
      const result = await Promise.race([iterator.next(), endedResult]);
      if (result.done) return finish();
      return result;
    },
    return: () => finish(),
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
  };
}
