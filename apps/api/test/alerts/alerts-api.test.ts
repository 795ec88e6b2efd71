import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertRuleSchema, TableMappingSchema } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { ApiServices } from '../../src/context.js';
import { demoConfig, ensureDemoApps } from '../../src/demo/demo-apps.js';
import { bridgeEvents } from '../../src/pubsub.js';
import { startRuntime, type TandemRuntime } from '../../src/runtime/tandem-runtime.js';
import { type ApiYoga, createApi } from '../../src/yoga.js';
import { gql } from '../api/helpers.js';
import { TEST_SECRET, verifyWebhook, WebhookReceiver } from './webhook-receiver.js';

const SLACK_TOKEN_PATH = '/services/T0001/B0001/very-secret-token';

describe('alerts through GraphQL', () => {
  const receiver = new WebhookReceiver();
  let dir: string;
  let runtime: TandemRuntime;
  let api: { yoga: ApiYoga };
  let detach: () => void;
  const keys = { ADMIN: '', VIEWER: '', OPERATOR: '' };
  let customers = '';

  beforeAll(async () => {
    await receiver.start();
    dir = mkdtempSync(join(tmpdir(), 'tandem-alerts-api-'));
    ensureDemoApps(dir);
    const demo = demoConfig(dir);
    const config = parseConfig({
      database: demo.database,
      connectors: demo.connectors,
      mappings: demo.mappings.map((mapping) => ({ ...mapping, scheduleSeconds: 0 })),
      alerts: {
        channels: {
          hook: { type: 'webhook', url: receiver.url, secret: TEST_SECRET },
          chat: { type: 'slack', url: `http://127.0.0.1:9${SLACK_TOKEN_PATH}` },
        },
        rules: [{ name: 'from-file', mapping: 'customers', when: 'JOB_FAILED', channels: ['hook'] }],
        delivery: { retryInitialSeconds: 0.1, retryMaxSeconds: 0.2, pollSeconds: 0.1 },
      },
    });
    runtime = await startRuntime(config, { schedules: false, jobThreads: false });
    const bridged = bridgeEvents(runtime.events);
    detach = bridged.detach;
    const services: ApiServices = {
      store: runtime.store,
      queue: runtime.queue,
      connectors: runtime.connectors,
      events: runtime.events,
      pubsub: bridged.pubsub,
      alerts: runtime.alerts,
    };
    api = { yoga: createApi(services) };
    for (const role of ['ADMIN', 'OPERATOR', 'VIEWER'] as const) {
      keys[role] = (await createApiKey(runtime.store.em(), `alerts-${role}`, role)).key;
    }
    const mapping = await runtime.store.em().findOneOrFail(TableMappingSchema, { name: 'customers' });
    customers = String(mapping.id);
  });
  afterAll(async () => {
    detach?.();
    await runtime?.close();
    await receiver.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const CREATE = `mutation ($input: AlertRuleInput!) {
    createAlertRule(input: $input) {
      __typename
      ... on AlertRulePayload { rule { id name source enabled channels threshold mapping { name } } }
      ... on InvalidInputError { argument message }
      ... on NotFoundError { typename }
      ... on ForbiddenError { code }
    }
  }`;

  it('shows rules and channels to a VIEWER but never a secret, and only an ADMIN sees where a channel sends', async () => {
    const viewer = await gql(
      api,
      keys.VIEWER,
      '{ alertRules { totalCount edges { node { name source channels } } } alertChannels { name type } }',
    );
    expect(viewer.body.errors).toBeUndefined();
    expect(viewer.body.data).toEqual({
      alertRules: { totalCount: 1, edges: [{ node: { name: 'from-file', source: 'CONFIG', channels: ['hook'] } }] },
      alertChannels: [
        { name: 'hook', type: 'webhook' },
        { name: 'chat', type: 'slack' },
      ],
    });
    const refused = await gql(api, keys.VIEWER, '{ alertChannels { name target } }');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await gql<{ alertChannels: Array<{ target: string }> }>(
      api,
      keys.ADMIN,
      '{ alertChannels { name target } }',
    );
    expect(admin.body.data!.alertChannels.map((channel) => channel.target)).toEqual([
      new URL(receiver.url).host,
      '127.0.0.1:9',
    ]);
    const everything = JSON.stringify([viewer.body, admin.body]);
    expect(everything).not.toContain(TEST_SECRET.slice(6, 20));
    expect(everything).not.toContain('very-secret-token');
  });

  it('lets only an ADMIN create a rule, and names the field of a bad one', async () => {
    const input = { name: 'viewer-rule', when: 'JOB_FAILED', channels: ['hook'] };
    const asViewer = await gql(api, keys.VIEWER, CREATE, { input });
    const asOperator = await gql(api, keys.OPERATOR, CREATE, { input });
    for (const refused of [asViewer, asOperator]) {
      const code =
        refused.body.errors?.[0]?.extensions?.code ??
        (refused.body.data as { createAlertRule?: { code?: string } } | null)?.createAlertRule?.code;
      expect(code).toBe('FORBIDDEN');
    }
    const bad = async (override: Record<string, unknown>) =>
      (
        await gql<{ createAlertRule: Record<string, string> }>(api, keys.ADMIN, CREATE, {
          input: { ...input, name: 'bad', ...override },
        })
      ).body.data!.createAlertRule;
    expect(await bad({ when: 'RECORDS_FAILED_OVER', threshold: -1 })).toMatchObject({
      __typename: 'InvalidInputError',
      argument: 'threshold',
    });
    expect(await bad({ channels: ['hook', 'pager'] })).toMatchObject({
      __typename: 'InvalidInputError',
      argument: 'channels[1]',
    });
    expect((await bad({ channels: ['pager'] })).message).toContain('no channel is named "pager"');
    expect(await bad({ when: 'NO_SUCCESS_FOR', minutes: -5 })).toMatchObject({ argument: 'minutes' });
    expect(await bad({ mappingId: '999999' })).toMatchObject({ __typename: 'NotFoundError', typename: 'TableMapping' });
    expect(await runtime.store.em().count(AlertRuleSchema, {})).toBe(1);

    const created = await gql<{ createAlertRule: { rule: Record<string, unknown> } }>(api, keys.ADMIN, CREATE, {
      input: {
        name: 'too-many-failed',
        mappingId: customers,
        when: 'RECORDS_FAILED_OVER',
        threshold: 3,
        channels: ['hook'],
      },
    });
    expect(created.body.data!.createAlertRule.rule).toMatchObject({
      name: 'too-many-failed',
      source: 'API',
      enabled: true,
      threshold: 3,
      mapping: { name: 'customers' },
    });
  });

  it('refuses to edit a rule of the config file, and enables and disables an admin’s', async () => {
    const rules = await runtime.store.em().find(AlertRuleSchema, {}, { orderBy: { id: 'asc' } });
    const fromFile = rules.find((rule) => rule.source === 'CONFIG')!;
    const own = rules.find((rule) => rule.source === 'API')!;
    const disable = `mutation ($id: ID!, $enabled: Boolean!) { setAlertRuleEnabled(id: $id, enabled: $enabled) {
      __typename ... on AlertRulePayload { rule { enabled } } ... on InvalidInputError { argument message } } }`;
    const refused = await gql<{ setAlertRuleEnabled: Record<string, string> }>(api, keys.ADMIN, disable, {
      id: String(fromFile.id),
      enabled: false,
    });
    expect(refused.body.data!.setAlertRuleEnabled).toMatchObject({ __typename: 'InvalidInputError', argument: 'id' });
    expect(refused.body.data!.setAlertRuleEnabled.message).toContain('comes from the config file');
    const done = await gql<{ setAlertRuleEnabled: { rule: { enabled: boolean } } }>(api, keys.ADMIN, disable, {
      id: String(own.id),
      enabled: false,
    });
    expect(done.body.data!.setAlertRuleEnabled.rule.enabled).toBe(false);
    expect((await runtime.store.em().findOneOrFail(AlertRuleSchema, { id: fromFile.id })).enabled).toBe(true);
  });

  it('"send a test" is delivered signed, logged with its attempts, and can be resent with the same webhook-id', async () => {
    const rule = await runtime.store.em().findOneOrFail(AlertRuleSchema, { name: 'from-file' });
    receiver.received.length = 0;
    const tested = await gql<{ testAlertRule: { deliveries: Array<{ id: string; channel: string }> } }>(
      api,
      keys.ADMIN,
      `mutation ($id: ID!) { testAlertRule(id: $id) { __typename ... on TestAlertRulePayload { deliveries { id channel } } } }`,
      { id: String(rule.id) },
    );
    const [delivery] = tested.body.data!.testAlertRule.deliveries;
    expect(delivery!.channel).toBe('hook');
    await waitUntil(() => receiver.accepted().length === 1);
    const webhook = receiver.received[0]!;
    const body = verifyWebhook(TEST_SECRET, webhook.headers, webhook.body) as {
      type: string;
    };
    expect(body.type).toBe('alert.test');

    const LOG = `query ($ruleId: ID) { alertDeliveries(ruleId: $ruleId, first: 5) { totalCount edges { node {
      id event status attempts messageId lastStatusCode attemptLog(first: 5) { edges { node { succeeded statusCode } } } } } } }`;
    type Log = { alertDeliveries: { edges: Array<{ node: Record<string, unknown> }> } };
    const log = await waitFor(async () => {
      const response = await gql<Log>(api, keys.VIEWER, LOG, { ruleId: String(rule.id) });
      if (!response.body.data) throw new Error(JSON.stringify(response.body));
      const node = response.body.data!.alertDeliveries.edges[0]!.node;
      return node.status === 'DELIVERED' ? node : null;
    });
    expect(log).toMatchObject({
      id: delivery!.id,
      event: 'TEST',
      attempts: 1,
      lastStatusCode: 200,
      messageId: webhook.headers['webhook-id'],
      attemptLog: { edges: [{ node: { succeeded: true, statusCode: 200 } }] },
    });

    const RESEND = `mutation ($id: ID!) { resendAlertDelivery(id: $id) { __typename ... on AlertDeliveryPayload { delivery { status } } } }`;
    const asViewer = await gql(api, keys.VIEWER, RESEND, { id: delivery!.id });
    expect(asViewer.body.data).toEqual({ resendAlertDelivery: { __typename: 'ForbiddenError' } });
    await gql(api, keys.ADMIN, RESEND, { id: delivery!.id });
    await waitUntil(() => receiver.accepted().length === 2);
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([
      webhook.headers['webhook-id'],
      webhook.headers['webhook-id'],
    ]);
  });
});

async function waitFor<T>(check: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<true> {
  return waitFor(async () => (check() ? true : null), timeoutMs);
}
