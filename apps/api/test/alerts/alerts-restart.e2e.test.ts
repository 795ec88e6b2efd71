import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertDeliverySchema, createStore } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, ensureDemoApps } from '../../src/demo/demo-apps.js';
import { tandem } from '../cli-process.js';
import { startTandem, type TandemStart } from '../tandem-start.js';
import { TEST_SECRET, verifyWebhook, WebhookReceiver } from './webhook-receiver.js';

/**
 * The outbox across a crash, and the CLI, against `tandem start` as a real child process: a notification
 * whose receiver is down when the process is killed (SIGKILL: nothing cleaned up) is delivered by the
 * next start, once.
 */
describe('alerts across a killed process, and the alerts commands', () => {
  const receiver = new WebhookReceiver();
  let dir: string;
  let configPath: string;
  let server: TandemStart | null = null;

  beforeAll(async () => {
    await receiver.start();
    dir = mkdtempSync(join(tmpdir(), 'tandem-alerts-e2e-'));
    ensureDemoApps(dir);
    const demo = demoConfig(dir);
    configPath = join(dir, 'tandem.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        database: demo.database,
        connectors: demo.connectors,
        mappings: demo.mappings.map((mapping) => ({ ...mapping, scheduleSeconds: 0 })),
        alerts: {
          // The secret comes from the environment, as in production.
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's own ${ENV} syntax.
          channels: { hook: { type: 'webhook', url: receiver.url, secret: '${ALERT_SECRET}' } },
          rules: [{ name: 'customers-failing', mapping: 'customers', when: 'JOB_FAILED', channels: ['hook'] }],
          delivery: { timeoutSeconds: 2, retryInitialSeconds: 0.2, retryMaxSeconds: 0.4, pollSeconds: 0.2 },
        },
      }),
    );
    process.env.ALERT_SECRET = TEST_SECRET;
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
    delete process.env.ALERT_SECRET;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a delivery pending when the process is killed is delivered after the restart, once', async () => {
    receiver.status = () => 503;
    server = await startTandem(['--config', configPath], { cwd: dir, env: { ALERT_SECRET: TEST_SECRET } });
    const adminKey = server.adminKey;
    const rules = await graphql(server.url, adminKey, '{ alertRules { edges { node { id name } } } }');
    const ruleId = rules.alertRules.edges[0].node.id;
    const tested = await graphql(
      server.url,
      adminKey,
      'mutation ($id: ID!) { testAlertRule(id: $id) { ... on TestAlertRulePayload { deliveries { id } } } }',
      { id: ruleId },
    );
    expect(tested.testAlertRule.deliveries).toHaveLength(1);
    await waitUntil(() => receiver.received.length >= 2);
    await server.kill();
    server = null;

    const store = await createStore({ url: `sqlite:${join(dir, 'tandem.sqlite')}` });
    const [pending] = await store.em().find(AlertDeliverySchema, {});
    await store.close();
    expect(pending).toMatchObject({ status: 'PENDING', event: 'TEST', lastStatusCode: 503 });
    // The kill may land between a refused attempt and its record: at least one refusal is stored.
    expect(pending!.attempts).toBeGreaterThanOrEqual(1);
    expect(receiver.accepted()).toEqual([]);

    receiver.status = () => 200;
    server = await startTandem(['--config', configPath], { cwd: dir, env: { ALERT_SECRET: TEST_SECRET } });
    await waitUntil(() => receiver.accepted().length === 1);
    // Give a second deliverer pass every chance to send it again: it must not.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await server.stop();
    server = null;
    expect(receiver.accepted()).toHaveLength(1);
    const ids = new Set(receiver.received.map((request) => request.headers['webhook-id']));
    expect(ids).toEqual(new Set([pending!.messageId]));
    const delivered = receiver.accepted()[0]!;
    expect(verifyWebhook(TEST_SECRET, delivered.headers, delivered.body)).toMatchObject({ type: 'alert.test' });
  });

  it('tandem alerts list and tandem alerts test RULE', async () => {
    const before = receiver.accepted().length;
    const env = { ALERT_SECRET: TEST_SECRET };
    const listed = await tandemWith(env, ['alerts', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('customers-failing  CONFIG  enabled  JOB_FAILED  customers  → hook  resolved');

    const sent = await tandemWith(env, ['alerts', 'test', 'customers-failing']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^hook \(webhook 127\.0\.0\.1:\d+\): delivered \(200\), webhook-id msg_\w+/m);
    expect(receiver.accepted()).toHaveLength(before + 1);

    receiver.status = () => 500;
    const failed = await tandemWith(env, ['alerts', 'test', 'customers-failing']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAILED — the receiver answered HTTP 500');

    const unknown = await tandemWith(env, ['alerts', 'test', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no alert rule is named "nope"');
  });

  it('a bad rule in the file stops the config check, naming the rule and the field', async () => {
    const bad = join(dir, 'bad.config.json');
    const demo = demoConfig(dir);
    writeFileSync(
      bad,
      JSON.stringify({
        database: demo.database,
        connectors: demo.connectors,
        mappings: demo.mappings,
        alerts: {
          channels: { hook: { type: 'webhook', url: receiver.url, secret: TEST_SECRET } },
          rules: [
            { name: 'fine', when: 'JOB_FAILED', channels: ['hook'] },
            { name: 'too-many', when: 'RECORDS_FAILED_OVER', threshold: -3, channels: ['hook'] },
          ],
        },
      }),
    );
    const result = await tandem(dir, ['check-config', '--offline', '--config', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'alerts.rules[1].threshold: must be a whole number, 0 or more (got -3) (rule "too-many")',
    );
  });

  function tandemWith(env: Record<string, string>, args: string[]) {
    Object.assign(process.env, env);
    return tandem(dir, [...args, '--config', configPath]);
  }
});

async function graphql(url: string, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: each caller reads the fields its own query selects.
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body));
  return body.data;
}

async function waitUntil(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
