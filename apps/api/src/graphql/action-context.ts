import type { ActionContext } from '@tandem/sync-core';
import type { GraphQLContext } from '../context.js';

/**
 * What a resolver hands one of sync-core's actions: the services of the request and the caller's name as
 * the actor. Shared by the type files that offer actions (sync-error-actions.ts, coupling.ts), so that
 * neither imports the other; their refusals of bad input go through `reportingInputErrors`.
 */
export function actionContext(context: GraphQLContext): ActionContext {
  const { store, connectors, events, queue, actionLease } = context.services;
  return { store, connectors, events, queue, actor: context.caller?.name ?? 'api', lease: actionLease };
}
