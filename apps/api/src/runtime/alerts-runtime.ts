import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  type AlertChannel,
  AlertCheckSchedule,
  AlertDeliverer,
  alertSignal,
  createAlertChannels,
  type InProcessEventBus,
  type Logger,
  type Store,
  saveConfiguredAlertRules,
} from '@tandem/sync-core';
import type { AlertsConfig } from '../config/alerts-config.js';

/** Alerts as a running process has them: the configured channels, and what it runs of the delivery. */
export interface AlertsRuntime {
  channels: ReadonlyMap<string, AlertChannel>;
  /** The deliverer, where this process delivers (`tandem alerts test` uses one of its own). */
  deliverer: AlertDeliverer | null;
  close(): Promise<void>;
}

/**
 * Writes the config's rules into the store and wires alerts into the process:
 * - every process announces rule state changes it commits as `alertStateChanged` events (the API bridges
 *   them to subscribers, across processes through Redis);
 * - a process that runs jobs (`all`, `worker`) also runs the deliverer and the periodic check. Jobs
 *   write the outbox where they end, so their deliverer wakes at once; rows written elsewhere (a test or a
 *   resend through an `api` process) are found by polling. With several workers each notification is still
 *   sent once: a deliverer claims a row before it sends it (docs/ALERTS.md, "Processes").
 */
export async function startAlerts(
  store: Store,
  alerts: AlertsConfig,
  options: { events: InProcessEventBus; deliver: boolean; owner: string; logger?: Logger },
): Promise<AlertsRuntime> {
  const channels = createAlertChannels(alerts.channels);
  await saveConfiguredRules(store, alerts, new Set(channels.keys()));
  const stopAnnouncing = alertSignal.onStateChanged((change) =>
    options.events.publish({ type: 'alertStateChanged', change }),
  );
  if (!options.deliver) {
    return {
      channels,
      deliverer: null,
      close: async () => stopAnnouncing(),
    };
  }
  const { delivery } = alerts;
  const deliverer = new AlertDeliverer({
    store,
    channels,
    owner: options.owner,
    pollIntervalMs: delivery.pollSeconds * 1000,
    timeoutMs: delivery.timeoutSeconds * 1000,
    backoff: {
      initialMs: delivery.retryInitialSeconds * 1000,
      maxMs: delivery.retryMaxSeconds * 1000,
      windowMs: delivery.retryWindowHours * 3_600_000,
    },
    logger: options.logger,
  });
  const check = new AlertCheckSchedule(store, delivery.checkSeconds * 1000, options.logger);
  deliverer.start();
  check.start();
  return {
    channels,
    deliverer,
    async close() {
      stopAnnouncing();
      await check.stop();
      await deliverer.close();
    },
  };
}

/** Several processes of one deployment start at once and write the same rules: a clash is retried. */
async function saveConfiguredRules(store: Store, alerts: AlertsConfig, channels: ReadonlySet<string>): Promise<void> {
  const rules = alerts.rules as Parameters<typeof saveConfiguredAlertRules>[1];
  for (let attempt = 1; ; attempt++) {
    try {
      await saveConfiguredAlertRules(store.em(), rules, channels);
      return;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= 3) throw error;
    }
  }
}
