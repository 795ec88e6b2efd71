import {
  type AlertDeliveryAttemptRow,
  type AlertDeliveryRow,
  AlertDeliverySchema,
  AlertRuleSchema,
  type AlertStateChange,
  type AlertStateRow,
  AlertStateSchema,
  listAlertDeliveries,
  listAlertDeliveryAttempts,
  listAlertStates,
  queueTestNotification,
  resendDelivery,
} from '@tandem/sync-core';
import { filter, pipe } from 'graphql-yoga';
import { NotFoundError } from '../../errors/not-found.error.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId, parseOptionalId } from '../ids.js';
import { loadByIds } from '../loaders.js';
import { AlertDeliveryStatusEnum, AlertEventEnum, AlertStatusEnum } from './alert-enums.js';
import { AlertRuleRef } from './alert-rule.js';
import { countedConnection, forwardArgs } from './connection.js';
import { COMMON_ERRORS } from './errors.js';
import { SyncJobRef } from './sync-job.js';
import { TableMappingRef } from './table-mapping.js';

/** A rule's state for one mapping: FIRING or RESOLVED, since when and why. */
const AlertStateRef = builder.loadableNodeRef('AlertState', {
  id: { resolve: (state: AlertStateRow) => state.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<AlertStateRow>(context.em, AlertStateSchema, 'AlertState', ids),
});

AlertStateRef.implement({
  authScopes: { viewer: true },
  description: "A rule's state for one mapping. A rule that never fired for a mapping has no state there.",
  fields: (t) => ({
    rule: t.field({ type: AlertRuleRef, resolve: (state) => state.ruleId }),
    mapping: t.field({ type: TableMappingRef, resolve: (state) => state.mappingId }),
    status: t.field({ type: AlertStatusEnum, resolve: (state) => state.status }),
    changedAt: t.field({ type: 'DateTime', resolve: (state) => state.changedAt }),
    message: t.exposeString('message'),
    job: t.field({
      type: SyncJobRef,
      nullable: true,
      description: 'The job whose end changed the state; null when the periodic check did (a stalled mapping).',
      resolve: (state) => state.jobId ?? null,
    }),
  }),
});

/** One notification to one channel, from the outbox, with its retries. */
const AlertDeliveryRef = builder.loadableNodeRef('AlertDelivery', {
  id: { resolve: (delivery: AlertDeliveryRow) => delivery.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<AlertDeliveryRow>(context.em, AlertDeliverySchema, 'AlertDelivery', ids),
});

const AlertDeliveryAttemptRef = builder.objectRef<AlertDeliveryAttemptRow>('AlertDeliveryAttempt').implement({
  description: 'One attempt to send a notification.',
  fields: (t) => ({
    attemptedAt: t.field({ type: 'DateTime', resolve: (attempt) => attempt.attemptedAt }),
    durationMs: t.exposeInt('durationMs'),
    succeeded: t.exposeBoolean('succeeded'),
    statusCode: t.int({
      nullable: true,
      description: "The receiver's HTTP status or SMTP reply code; null when it did not answer.",
      resolve: (attempt) => attempt.statusCode ?? null,
    }),
    error: t.string({ nullable: true, resolve: (attempt) => attempt.error ?? null }),
  }),
});
const AlertDeliveryAttemptConnection = countedConnection('AlertDeliveryAttemptConnection', AlertDeliveryAttemptRef);

AlertDeliveryRef.implement({
  authScopes: { viewer: true },
  description: 'One notification to one channel: PENDING (retried with backoff), DELIVERED, or GAVE_UP after 24 h.',
  fields: (t) => ({
    rule: t.field({ type: AlertRuleRef, resolve: (delivery) => delivery.ruleId }),
    mapping: t.field({ type: TableMappingRef, nullable: true, resolve: (delivery) => delivery.mappingId ?? null }),
    event: t.field({ type: AlertEventEnum, resolve: (delivery) => delivery.event }),
    channel: t.exposeString('channel'),
    messageId: t.exposeString('messageId', {
      description: 'The `webhook-id`: the same on every attempt and resend, for receivers to de-duplicate.',
    }),
    status: t.field({ type: AlertDeliveryStatusEnum, resolve: (delivery) => delivery.status }),
    attempts: t.exposeInt('attempts'),
    createdAt: t.field({ type: 'DateTime', resolve: (delivery) => delivery.createdAt }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a PENDING delivery is tried next.',
      resolve: (delivery) => (delivery.status === 'PENDING' ? delivery.nextAttemptAt : null),
    }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (delivery) => delivery.deliveredAt ?? null }),
    lastStatusCode: t.int({ nullable: true, resolve: (delivery) => delivery.lastStatusCode ?? null }),
    lastError: t.string({ nullable: true, resolve: (delivery) => delivery.lastError ?? null }),
    attemptLog: t.field({
      type: AlertDeliveryAttemptConnection,
      description: 'Every attempt, newest first.',
      args: forwardArgs(t.arg),
      resolve: (delivery, args, context) =>
        reportingInputErrors(() =>
          listAlertDeliveryAttempts(context.em, delivery.id, { first: args.first, after: args.after }),
        ),
    }),
  }),
});

const AlertStateConnection = countedConnection('AlertStateConnection', AlertStateRef);
const AlertDeliveryConnection = countedConnection('AlertDeliveryConnection', AlertDeliveryRef);

const AlertDeliveryPayload = builder.objectRef<{ delivery: AlertDeliveryRow }>('AlertDeliveryPayload').implement({
  fields: (t) => ({ delivery: t.field({ type: AlertDeliveryRef, resolve: (payload) => payload.delivery }) }),
});

const TestAlertRulePayload = builder
  .objectRef<{ ruleId: number; deliveryIds: number[] }>('TestAlertRulePayload')
  .implement({
    fields: (t) => ({
      rule: t.field({ type: AlertRuleRef, resolve: (payload) => payload.ruleId }),
      deliveries: t.field({
        type: [AlertDeliveryRef],
        description: 'One per channel of the rule; follow them in alertDeliveries.',
        resolve: (payload) => payload.deliveryIds,
      }),
    }),
  });

builder.queryFields((t) => ({
  alertStates: t.field({
    type: AlertStateConnection,
    authScopes: { viewer: true },
    description: 'Rules’ states per mapping, the latest change first (status FIRING: what is wrong now).',
    args: {
      ruleId: t.arg.id(),
      mappingId: t.arg.id(),
      status: t.arg({ type: AlertStatusEnum }),
      ...forwardArgs(t.arg),
    },
    resolve: (_root, args, context) =>
      reportingInputErrors(() =>
        listAlertStates(
          context.em,
          {
            ruleId: parseOptionalId('AlertRule', args.ruleId?.toString()),
            mappingId: parseOptionalId('TableMapping', args.mappingId?.toString()),
            status: args.status ?? null,
          },
          { first: args.first, after: args.after },
        ),
      ),
  }),
  alertDeliveries: t.field({
    type: AlertDeliveryConnection,
    authScopes: { viewer: true },
    description: 'The delivery log, newest first.',
    args: { ruleId: t.arg.id(), status: t.arg({ type: AlertDeliveryStatusEnum }), ...forwardArgs(t.arg) },
    resolve: (_root, args, context) =>
      reportingInputErrors(() =>
        listAlertDeliveries(
          context.em,
          { ruleId: parseOptionalId('AlertRule', args.ruleId?.toString()), status: args.status ?? null },
          { first: args.first, after: args.after },
        ),
      ),
  }),
}));

builder.mutationFields((t) => ({
  testAlertRule: t.field({
    type: TestAlertRulePayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    description: "Sends a TEST notification to each of the rule's channels, through the outbox; its state stays.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseId('AlertRule', String(args.id));
      const rule = await context.em.findOne(AlertRuleSchema, { id });
      if (!rule) throw new NotFoundError('AlertRule', String(args.id));
      const deliveryIds = await queueTestNotification(context.em, rule, context.caller?.name ?? null);
      return { ruleId: rule.id, deliveryIds };
    },
  }),
  resendAlertDelivery: t.field({
    type: AlertDeliveryPayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    description: 'Sends a delivery again (same webhook-id), with a fresh 24 h of retries.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseId('AlertDelivery', String(args.id));
      if (!(await resendDelivery(context.em, id))) {
        const exists = await context.em.count(AlertDeliverySchema, { id });
        if (!exists) throw new NotFoundError('AlertDelivery', String(args.id));
        // A deliverer is sending it right now: its outcome is about to be known.
      }
      const delivery = await context.em.findOneOrFail(AlertDeliverySchema, { id }, { refresh: true });
      return { delivery: delivery as AlertDeliveryRow };
    },
  }),
}));

builder.subscriptionFields((t) => ({
  alertStateChanged: t.field({
    type: AlertStateRef,
    authScopes: { viewer: true },
    description: "A rule's state for a mapping changed (of one rule or mapping when given).",
    args: { ruleId: t.arg.id(), mappingId: t.arg.id() },
    subscribe: (_root, args, context) => {
      const ruleId = parseOptionalId('AlertRule', args.ruleId?.toString());
      const mappingId = parseOptionalId('TableMapping', args.mappingId?.toString());
      return pipe(
        context.services.pubsub.subscribe('alertStateChanged'),
        filter(
          (change: AlertStateChange) =>
            (ruleId == null || change.ruleId === ruleId) && (mappingId == null || change.mappingId === mappingId),
        ),
      );
    },
    resolve: (change: AlertStateChange): AlertStateRow => ({
      id: change.stateId,
      ruleId: change.ruleId,
      mappingId: change.mappingId,
      status: change.status,
      changedAt: change.changedAt,
      message: change.message,
      jobId: change.jobId,
    }),
  }),
}));
