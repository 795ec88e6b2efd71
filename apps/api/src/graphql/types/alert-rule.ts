import {
  type AlertChannel,
  type AlertRule,
  type AlertRuleInput,
  AlertRuleSchema,
  createAlertRule,
  listAlertRules,
  ruleChannels,
  ruleKinds,
  ruleMinutes,
  setAlertRuleEnabled,
  TableMappingSchema,
  updateAlertRule,
} from '@tandem/sync-core';
import type { GraphQLContext } from '../../context.js';
import { InvalidInputError } from '../../errors/invalid-input.error.js';
import { NotFoundError } from '../../errors/not-found.error.js';
import { builder } from '../builder.js';
import { reportingInputErrors } from '../core-input-errors.js';
import { parseDatabaseId, parseId } from '../ids.js';
import { loadByIds } from '../loaders.js';
import { AlertConditionEnum, AlertRuleSourceEnum } from './alert-enums.js';
import { countedConnection, forwardArgs } from './connection.js';
import { SyncErrorKindEnum } from './enums.js';
import { COMMON_ERRORS } from './errors.js';
import { TableMappingRef } from './table-mapping.js';

/**
 * Alert rules (docs/ALERTS.md). Anyone may read them; only an ADMIN creates, edits, enables or tests one.
 * Channels are named, never shown with their addresses' secrets: those stay in the config file.
 */
export const AlertRuleRef = builder.loadableNodeRef('AlertRule', {
  id: { resolve: (rule: AlertRule) => rule.id, parse: parseDatabaseId },
  load: (ids: number[], context) => loadByIds<AlertRule>(context.em, AlertRuleSchema, 'AlertRule', ids),
});

AlertRuleRef.implement({
  authScopes: { viewer: true },
  description: 'A condition on one mapping (or on every mapping, each on its own) and the channels it notifies.',
  fields: (t) => ({
    name: t.exposeString('name'),
    mapping: t.field({
      type: TableMappingRef,
      nullable: true,
      description: 'The mapping watched; null: every mapping.',
      resolve: (rule) => rule.mappingId ?? null,
    }),
    condition: t.field({ type: AlertConditionEnum, resolve: (rule) => rule.condition }),
    threshold: t.int({ nullable: true, resolve: (rule) => rule.threshold ?? null }),
    kinds: t.field({
      type: [SyncErrorKindEnum],
      nullable: true,
      description: 'OPEN_ERRORS_OVER: the kinds counted; null: every kind.',
      resolve: (rule) => ruleKinds(rule),
    }),
    minutes: t.float({
      nullable: true,
      description: 'NO_SUCCESS_FOR: how long without a successful job.',
      resolve: (rule) => ruleMinutes(rule),
    }),
    channels: t.stringList({ description: 'The channels notified, by name.', resolve: (rule) => ruleChannels(rule) }),
    enabled: t.exposeBoolean('enabled'),
    source: t.field({
      type: AlertRuleSourceEnum,
      description: 'CONFIG rules come from the config file and are changed there; API rules through the API.',
      resolve: (rule) => rule.source,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (rule) => rule.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (rule) => rule.updatedAt }),
  }),
});

const AlertRuleConnection = countedConnection('AlertRuleConnection', AlertRuleRef);

/** A configured channel: its name and type for anyone, where it sends for an ADMIN; never its secret. */
interface ChannelShape {
  name: string;
  type: string;
  target: string;
}

const AlertChannelRef = builder.objectRef<ChannelShape>('AlertChannel').implement({
  description: 'A channel from the config file (alerts.channels). Its URL and secret are never shown.',
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type', { description: 'webhook, slack or email.' }),
    target: t.exposeString('target', {
      authScopes: { admin: true },
      description: "Where it sends, without secrets or tokens: the URL's host, or the e-mail addresses (ADMIN).",
    }),
  }),
});

const AlertRuleInputRef = builder.inputType('AlertRuleInput', {
  description:
    'A whole rule. The fields a condition needs: threshold (RECORDS_FAILED_OVER, OPEN_ERRORS_OVER), minutes (NO_SUCCESS_FOR).',
  fields: (t) => ({
    name: t.string({ required: true }),
    mappingId: t.id({ description: 'The mapping watched; absent: every mapping.' }),
    when: t.field({ type: AlertConditionEnum, required: true }),
    threshold: t.int(),
    kinds: t.field({ type: [SyncErrorKindEnum] }),
    minutes: t.float(),
    channels: t.stringList({ required: true }),
    enabled: t.boolean(),
  }),
});

const AlertRulePayload = builder.objectRef<{ rule: AlertRule }>('AlertRulePayload').implement({
  fields: (t) => ({ rule: t.field({ type: AlertRuleRef, resolve: (payload) => payload.rule }) }),
});

const MAX_CHANNELS_PER_RULE = 20;

builder.queryFields((t) => ({
  alertRules: t.field({
    type: AlertRuleConnection,
    authScopes: { viewer: true },
    description: 'Every alert rule, newest first.',
    args: forwardArgs(t.arg),
    resolve: (_root, args, context) =>
      reportingInputErrors(() => listAlertRules(context.em, { first: args.first, after: args.after })),
  }),
  alertChannels: t.field({
    type: [AlertChannelRef],
    authScopes: { viewer: true },
    description: 'The channels of the config file (alerts.channels), by name; a handful at most.',
    resolve: (_root, _args, context) =>
      [...channelsOf(context).values()].map((channel) => ({
        name: channel.name,
        type: channel.type,
        target: channel.target,
      })),
  }),
}));

builder.mutationFields((t) => ({
  createAlertRule: t.field({
    type: AlertRulePayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    args: { input: t.arg({ type: AlertRuleInputRef, required: true }) },
    resolve: async (_root, args, context) => {
      const input = await ruleInput(context, args.input);
      const rule = await reportingInputErrors(() => createAlertRule(context.em, input, channelNames(context)));
      return { rule };
    },
  }),
  updateAlertRule: t.field({
    type: AlertRulePayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    description: 'Replaces an API rule with the input; a CONFIG rule is refused (change the file).',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: AlertRuleInputRef, required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseId('AlertRule', String(args.id));
      const input = await ruleInput(context, args.input);
      const rule = await reportingInputErrors(() => updateAlertRule(context.em, id, input, channelNames(context)));
      if (!rule) throw new NotFoundError('AlertRule', String(args.id));
      return { rule };
    },
  }),
  setAlertRuleEnabled: t.field({
    type: AlertRulePayload,
    authScopes: { admin: true },
    errors: { types: COMMON_ERRORS },
    description: 'Turns an API rule on or off; a disabled rule keeps its state and is not evaluated.',
    args: { id: t.arg.id({ required: true }), enabled: t.arg.boolean({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = parseId('AlertRule', String(args.id));
      const rule = await reportingInputErrors(() => setAlertRuleEnabled(context.em, id, args.enabled));
      if (!rule) throw new NotFoundError('AlertRule', String(args.id));
      return { rule };
    },
  }),
}));

export function channelsOf(context: GraphQLContext): ReadonlyMap<string, AlertChannel> {
  return context.services.alerts?.channels ?? new Map();
}

function channelNames(context: GraphQLContext): Set<string> {
  return new Set(channelsOf(context).keys());
}

/** The API's input as sync-core's: a mapping id becomes its name (unknown ids are NOT_FOUND). */
async function ruleInput(
  context: GraphQLContext,
  input: {
    name: string;
    mappingId?: string | number | null;
    when: AlertRuleInput['when'];
    threshold?: number | null;
    kinds?: AlertRuleInput['kinds'];
    minutes?: number | null;
    channels: string[];
    enabled?: boolean | null;
  },
): Promise<AlertRuleInput> {
  let mapping: string | null = null;
  if (input.mappingId != null) {
    const id = parseId('TableMapping', String(input.mappingId));
    const found = await context.em.findOne(TableMappingSchema, { id }, { fields: ['name'] });
    if (!found) throw new NotFoundError('TableMapping', String(input.mappingId));
    mapping = found.name;
  }
  if (input.channels.length > MAX_CHANNELS_PER_RULE) {
    throw new InvalidInputError('channels', `at most ${MAX_CHANNELS_PER_RULE} channels`);
  }
  return {
    name: input.name.trim(),
    mapping,
    when: input.when,
    threshold: input.threshold ?? null,
    kinds: input.kinds ?? null,
    minutes: input.minutes ?? null,
    channels: input.channels,
    enabled: input.enabled ?? true,
  };
}
