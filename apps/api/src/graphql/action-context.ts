import { type ActionContext, InvalidInputError as CoreInvalidInputError } from '@tandem/sync-core';
import type { GraphQLContext } from '../context.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';

/**
 * How a resolver calls one of sync-core's actions: the services of the request and the caller's name as
 * the actor, and sync-core's refusals of bad input turned into the API's typed error. Shared by the type
 * files that offer actions (sync-error-actions.ts, coupling.ts), so that neither imports the other.
 */
export function actionContext(context: GraphQLContext): ActionContext {
  const { store, connectors, events, queue } = context.services;
  return { store, connectors, events, queue, actor: context.caller?.name ?? 'api' };
}

/** sync-core refuses bad input with its own InvalidInputError; the API reports it as its typed one. */
export async function act<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CoreInvalidInputError) throw new InvalidInputError(error.field, error.message);
    throw error;
  }
}
