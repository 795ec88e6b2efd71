import { ALERT_CONDITIONS, checkAlertRule, InvalidConfigError, webhookSecretProblem } from '@tandem/sync-core';
import { z } from 'zod';

/**
 * The `alerts:` section of the config file (docs/ALERTS.md): channels (where notifications go, with
 * their secrets), rules (what to watch), and how deliveries are retried. The shape is checked here, the
 * rules' meaning (a threshold's sign, a channel or mapping that exists) by sync-core's `checkAlertRule`
 * in `checkAlertRules`, so the file and the API refuse the same rules with the same words.
 */

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL');

const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  secret: z.string().superRefine((secret, context) => {
    const problem = webhookSecretProblem(secret);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
});
const slackChannel = z.strictObject({ type: z.literal('slack'), url: httpUrl });
const emailChannel = z.strictObject({
  type: z.literal('email'),
  smtp: z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL'),
  from: z.string().min(3),
  to: z.array(z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address')).min(1),
});
const channel = z.discriminatedUnion('type', [webhookChannel, slackChannel, emailChannel]);

// Types only: a negative threshold or an unknown channel is sync-core's to explain (with the rule's name).
const rule = z.strictObject({
  name: z.string(),
  mapping: z.string().optional(),
  when: z.enum(ALERT_CONDITIONS),
  threshold: z.number().optional(),
  kinds: z.array(z.string()).optional(),
  minutes: z.number().optional(),
  channels: z.array(z.string()),
  enabled: z.boolean().optional(),
});

const DELIVERY_DEFAULTS = {
  timeoutSeconds: 10,
  retryInitialSeconds: 10,
  retryMaxSeconds: 3600,
  retryWindowHours: 24,
  pollSeconds: 1,
  checkSeconds: 60,
};

export const alertsSection = z
  .strictObject({
    channels: z
      .record(z.string().regex(/^[A-Za-z][\w-]*$/, 'channel names are letters, digits, - and _'), channel)
      .default({}),
    rules: z.array(rule).default([]),
    // How a notification is sent and retried: each send ends within timeoutSeconds; a failed one is tried
    // again after retryInitialSeconds, doubling (with jitter) up to retryMaxSeconds, for retryWindowHours.
    // pollSeconds: how often the outbox is read for rows other processes wrote; checkSeconds: how often
    // the conditions that change without a job (a stalled mapping, errors triaged) are checked.
    delivery: z
      .strictObject({
        timeoutSeconds: z.number().min(0.1).max(120).default(DELIVERY_DEFAULTS.timeoutSeconds),
        retryInitialSeconds: z.number().min(0.01).max(3600).default(DELIVERY_DEFAULTS.retryInitialSeconds),
        retryMaxSeconds: z
          .number()
          .min(0.01)
          .max(6 * 3600)
          .default(DELIVERY_DEFAULTS.retryMaxSeconds),
        retryWindowHours: z.number().min(0).max(24).default(DELIVERY_DEFAULTS.retryWindowHours),
        pollSeconds: z.number().min(0.05).max(60).default(DELIVERY_DEFAULTS.pollSeconds),
        checkSeconds: z.number().min(0.1).max(3600).default(DELIVERY_DEFAULTS.checkSeconds),
      })
      .default(DELIVERY_DEFAULTS),
  })
  .default({ channels: {}, rules: [], delivery: DELIVERY_DEFAULTS });

export type AlertsConfig = z.infer<typeof alertsSection>;

/**
 * The rules' meaning, against the file's own mappings and channels: the first mistake is an
 * `InvalidConfigError` naming `alerts.rules[i].field` and the rule.
 */
export function checkAlertRules(alerts: AlertsConfig, mappingNames: readonly string[]): void {
  const context = {
    mappingIds: new Map(mappingNames.map((name, index) => [name, index])),
    channels: new Set(Object.keys(alerts.channels)),
  };
  const names = new Set<string>();
  alerts.rules.forEach((input, index) => {
    const result = checkAlertRule(input as Parameters<typeof checkAlertRule>[0], context);
    if ('problems' in result) {
      const [first] = result.problems;
      throw new InvalidConfigError(`alerts.rules[${index}].${first!.field}`, `${first!.reason} (rule "${input.name}")`);
    }
    if (names.has(input.name))
      throw new InvalidConfigError(`alerts.rules[${index}].name`, `"${input.name}" is used twice`);
    names.add(input.name);
  });
}
