import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type TandemProcess } from '../cluster/cluster.js';
import { TEST_SECRET, verifyWebhook, WebhookReceiver } from './webhook-receiver.js';

/**
 * Alerts on many processes: an API process and two workers on one PostgreSQL store and Redis. A job
 * that fails on a worker sends its "firing" once, although both workers deliver; a subscriber on the API
 * process hears the state change through Redis; a test asked through the API process (which delivers
 * nothing itself) is sent once by a worker.
 */
const receiver = new WebhookReceiver();
let cluster: Cluster;
let api: TandemProcess;

beforeAll(async () => {
  await receiver.start();
  cluster = await Cluster.create({
    customers: 10,
    alerts: {
      channels: { hook: { type: 'webhook', url: receiver.url, secret: TEST_SECRET } },
      rules: [{ name: 'customers-failing', mapping: 'customers_1', when: 'JOB_FAILED', channels: ['hook'] }],
      delivery: { pollSeconds: 0.2, retryInitialSeconds: 0.2, retryMaxSeconds: 0.5 },
    },
  });
  [api] = await Promise.all([cluster.start('api'), cluster.start('worker'), cluster.start('worker')]);
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  await receiver.stop();
});

describe('alerts across API and worker processes', () => {
  it('a job failing on a worker fires once, and the API process announces it', async () => {
    const client = createSseClient({
      url: `${api.url}/graphql`,
      headers: { authorization: `Bearer ${cluster.adminKey}` },
      retryAttempts: 0,
    });
    const heard = new Promise<{ status: string; message: string }>((resolve, reject) => {
      client.subscribe<{ alertStateChanged: { status: string; message: string } }>(
        { query: 'subscription { alertStateChanged { status message } }' },
        { next: ({ data }) => data && resolve(data.alertStateChanged), error: reject, complete: () => {} },
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The CRM loses its table: the job fails on whichever worker runs it.
    await cluster.apps('drop table account_1');
    const { tableMappings } = await cluster.gql<{ tableMappings: { id: string }[] }>(api, '{ tableMappings { id } }');
    await cluster.gql(api, `mutation { runSync(mappingId: "${tableMappings[0]!.id}") { __typename } }`);

    const change = await heard;
    client.dispose();
    expect(change.status).toBe('FIRING');
    await waitUntil(() => receiver.accepted().length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.accepted()).toHaveLength(1);
    const body = verifyWebhook(TEST_SECRET, receiver.received[0]!.headers, receiver.received[0]!.body) as {
      type: string;
      data: { mapping: { name: string } };
    };
    expect(body).toMatchObject({ type: 'alert.firing', data: { mapping: { name: 'customers_1' } } });
  });

  it('a test asked through the API process is sent once by a worker', async () => {
    receiver.received.length = 0;
    const { alertRules } = await cluster.gql<{ alertRules: { edges: { node: { id: string } }[] } }>(
      api,
      '{ alertRules { edges { node { id } } } }',
    );
    await cluster.gql(api, `mutation { testAlertRule(id: "${alertRules.edges[0]!.node.id}") { __typename } }`);
    await waitUntil(() => receiver.accepted().length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.accepted()).toHaveLength(1);
    const [row] = await cluster.store<{ status: string; attempts: number; claimed_by: string | null }>(
      "select status, attempts, claimed_by from alert_delivery where event = 'TEST'",
    );
    expect(row).toMatchObject({ status: 'DELIVERED', attempts: 1 });
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
