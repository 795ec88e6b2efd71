import {
  AlertDeliverer,
  AlertDeliverySchema,
  AlertRuleSchema,
  AlertStateSchema,
  findAlertRuleByName,
  queueTestNotification,
  ruleChannels,
  ruleMinutes,
  TableMappingSchema,
} from '@tandem/sync-core';
import type { TandemConfig } from '../config/config.schema.js';
import { startRuntime } from '../runtime/tandem-runtime.js';
import { UsageError } from './usage.error.js';

/**
 * `tandem alerts list`: every rule with where it comes from, what it watches, its channels and the
 * mappings it fires for now. `tandem alerts test RULE`: a TEST notification to each of the rule's channels,
 * sent once from here and reported per channel (a failed one stays in the outbox, where a running Tandem
 * retries it like any other).
 */
export async function alertsCommand(config: TandemConfig, args: string[]): Promise<number> {
  const [action, ruleName] = args;
  if (action !== 'list' && action !== 'test') throw new UsageError('alerts list | alerts test RULE');
  if (action === 'test' && !ruleName) throw new UsageError('alerts test needs the rule name: alerts test RULE');
  const runtime = await startRuntime(config, { runJobs: false });
  try {
    return action === 'list' ? await list(runtime) : await test(runtime, config, ruleName!);
  } finally {
    await runtime.close();
  }
}

type Runtime = Awaited<ReturnType<typeof startRuntime>>;

async function list(runtime: Runtime): Promise<number> {
  const em = runtime.store.em();
  const rules = await em.find(AlertRuleSchema, {}, { orderBy: { name: 'asc' } });
  if (rules.length === 0) {
    console.log('no alert rules (add them under alerts.rules in the config, or through the API)');
    return 0;
  }
  const mappings = new Map(
    (await em.find(TableMappingSchema, {}, { fields: ['id', 'name'] })).map((m) => [m.id, m.name]),
  );
  const firing = await em.find(AlertStateSchema, { status: 'FIRING' });
  for (const rule of rules) {
    const watched = rule.mappingId == null ? 'every mapping' : (mappings.get(rule.mappingId) ?? `#${rule.mappingId}`);
    const condition: string[] = [rule.condition];
    if (rule.threshold != null) condition.push(`> ${rule.threshold}`);
    const minutes = ruleMinutes(rule);
    if (minutes != null) condition.push(`${minutes} min`);
    const firingFor = firing.filter((state) => state.ruleId === rule.id).map((state) => mappings.get(state.mappingId));
    console.log(
      [
        rule.name,
        rule.source,
        rule.enabled ? 'enabled' : 'disabled',
        condition.join(' '),
        watched,
        `→ ${ruleChannels(rule).join(', ')}`,
        firingFor.length ? `FIRING: ${firingFor.join(', ')}` : 'resolved',
      ].join('  '),
    );
  }
  return 0;
}

async function test(runtime: Runtime, config: TandemConfig, ruleName: string): Promise<number> {
  const em = runtime.store.em();
  const rule = await findAlertRuleByName(em, ruleName);
  if (!rule) throw new UsageError(`no alert rule is named "${ruleName}" (see: tandem alerts list)`);
  const ids = await queueTestNotification(em, rule, 'cli');
  const deliverer = new AlertDeliverer({
    store: runtime.store,
    channels: runtime.alerts.channels,
    owner: `cli-${process.pid}`,
    timeoutMs: config.alerts.delivery.timeoutSeconds * 1000,
    backoff: {
      initialMs: config.alerts.delivery.retryInitialSeconds * 1000,
      maxMs: config.alerts.delivery.retryMaxSeconds * 1000,
      windowMs: config.alerts.delivery.retryWindowHours * 3_600_000,
    },
    logger: { debug() {}, info() {}, warn() {}, error: (message) => console.error(message) },
  });
  try {
    await deliverer.deliverDue({ onlyIds: ids });
  } finally {
    await deliverer.close();
  }
  const deliveries = await runtime.store
    .em()
    .find(AlertDeliverySchema, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
  let failed = 0;
  for (const delivery of deliveries) {
    const channel = runtime.alerts.channels.get(delivery.channel);
    const where = channel ? `${delivery.channel} (${channel.type} ${channel.target})` : delivery.channel;
    if (delivery.status === 'DELIVERED') {
      console.log(
        `${where}: delivered${delivery.lastStatusCode ? ` (${delivery.lastStatusCode})` : ''}, webhook-id ${delivery.messageId}`,
      );
    } else {
      failed += 1;
      console.log(
        `${where}: FAILED — ${delivery.lastError ?? 'not sent'} (kept in the outbox: a running Tandem retries it)`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}
