import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertDeliverer } from '../../src/alerts/alert-deliverer.js';
import { resendDelivery } from '../../src/alerts/alert-outbox.js';
import { createAlertRule } from '../../src/alerts/alert-rules.repository.js';
import { queueTestNotification } from '../../src/alerts/alert-test.js';
import { createAlertChannels } from '../../src/alerts/channels/create-channels.js';
import { slackBody } from '../../src/alerts/channels/slack.channel.js';
import { createStore, type Store } from '../../src/db/orm.js';
import { AlertStateSchema } from '../../src/entities/alert-state.entity.js';
import { createMapping, jobRow, mappingName, waitFor } from '../jobs/job-test-kit.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { HttpReceiver, SmtpReceiver } from './alert-receivers.js';
import { attemptsOf, deliveriesOf, finishJob, WEBHOOK_SECRET } from './alert-test-kit.js';

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(DIALECTS)('alert notifications on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  const receiver = new HttpReceiver();
  const smtp = new SmtpReceiver();
  const deliverers: AlertDeliverer[] = [];
  let ruleCounter = 0;

  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'alerts');
    store = await createStore({ url: db.url });
    await receiver.start();
    await smtp.start();
  });
  afterEach(async () => {
    await Promise.all(deliverers.splice(0).map((deliverer) => deliverer.close()));
    // Nothing a test left pending reaches the next test's receiver.
    await store.em().execute("update alert_delivery set status = 'GAVE_UP' where status = 'PENDING'");
    receiver.requests.length = 0;
    receiver.answer = () => 204;
    receiver.hangMs = 0;
  });
  afterAll(async () => {
    await receiver.stop();
    await smtp.stop();
    await store?.close();
    await db?.drop();
  });

  function channels() {
    return createAlertChannels({
      hook: { type: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET },
      chat: { type: 'slack', url: receiver.url.replace('/hooks/tandem', '/slack/T000/B000/XXXX') },
      mail: { type: 'email', smtp: smtp.url, from: 'tandem@example.test', to: ['ops@example.test'] },
    });
  }

  function startDeliverer(options: { timeoutMs?: number; initialMs?: number; maxMs?: number } = {}): AlertDeliverer {
    const deliverer = new AlertDeliverer({
      store,
      channels: channels(),
      owner: `test-${deliverers.length}`,
      pollIntervalMs: 50,
      timeoutMs: options.timeoutMs ?? 2000,
      backoff: { initialMs: options.initialMs ?? 100, maxMs: options.maxMs ?? 400 },
      logger: quietLogger,
    });
    deliverers.push(deliverer);
    deliverer.start();
    return deliverer;
  }

  async function rule(
    when: 'JOB_FAILED' | 'RECORDS_FAILED_OVER',
    mapping: string,
    channelNames: string[],
    threshold?: number,
  ) {
    ruleCounter += 1;
    return createAlertRule(
      store.em(),
      { name: `rule-${ruleCounter}`, mapping, when, threshold, channels: channelNames },
      new Set(['hook', 'chat', 'mail']),
    );
  }

  it('ten failing jobs send one FIRING, a succeeding job one RESOLVED, each signed with the receiver’s secret', async () => {
    const mappingId = await createMapping(store);
    const other = await createMapping(store);
    const name = await mappingName(store, mappingId);
    const failing = await rule('JOB_FAILED', name, ['hook']);
    startDeliverer();

    const failedJobs: number[] = [];
    for (let i = 0; i < 10; i++) failedJobs.push(await finishJob(store, mappingId, 'FAILED'));
    await waitFor('the firing webhook', () => receiver.requests.length >= 1);
    // Another mapping's failure is not this rule's business.
    await finishJob(store, other, 'FAILED');
    const resolvedBy = await finishJob(store, mappingId, 'SUCCEEDED');
    await waitFor('the resolved webhook', () => receiver.requests.length >= 2);
    // Later successes change nothing.
    await finishJob(store, mappingId, 'SUCCEEDED');
    await waitFor('every delivery settled', async () =>
      (await deliveriesOf(store, failing.id)).every((delivery) => delivery.status === 'DELIVERED'),
    );

    expect(receiver.requests).toHaveLength(2);
    const verifier = new Webhook(WEBHOOK_SECRET);
    const bodies = receiver.requests.map((request) =>
      verifier.verify(request.body, request.headers as Record<string, string>),
    ) as Array<{ type: string; data: Record<string, unknown> }>;
    expect(bodies.map((body) => body.type)).toEqual(['alert.firing', 'alert.resolved']);
    expect(bodies[0]!.data).toMatchObject({
      rule: { id: failing.id, name: failing.name, condition: 'JOB_FAILED' },
      mapping: { id: mappingId, name },
      status: 'FIRING',
      jobId: failedJobs[0],
    });
    expect(bodies[1]!.data).toMatchObject({ status: 'RESOLVED', jobId: resolvedBy });
    // A receiver with another secret would refuse them.
    const stranger = new Webhook(`whsec_${Buffer.from('someone-else-entirely-32-bytes!!').toString('base64')}`);
    expect(() =>
      stranger.verify(receiver.requests[0]!.body, receiver.requests[0]!.headers as Record<string, string>),
    ).toThrow();

    const deliveries = await deliveriesOf(store, failing.id);
    expect(deliveries.map((delivery) => [delivery.event, delivery.channel, delivery.attempts])).toEqual([
      ['FIRING', 'hook', 1],
      ['RESOLVED', 'hook', 1],
    ]);
    expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual(
      deliveries.map((delivery) => delivery.messageId),
    );
    const [state] = await store.em().find(AlertStateSchema, { ruleId: failing.id });
    expect(state).toMatchObject({ mappingId, status: 'RESOLVED', jobId: resolvedBy });
    // The jobs themselves ended as their runs said.
    expect((await jobRow(store, failedJobs[9]!)).status).toBe('FAILED');
  });

  it('a receiver down for the first 3 attempts gets the notification once it is back, with the same webhook-id', async () => {
    const mappingId = await createMapping(store);
    const failing = await rule('JOB_FAILED', await mappingName(store, mappingId), ['hook']);
    receiver.answer = (_request, index) => (index < 3 ? 503 : 200);
    startDeliverer();

    await finishJob(store, mappingId, 'FAILED');
    const [delivery] = await waitFor('the delivery', async () => {
      const rows = await deliveriesOf(store, failing.id);
      return rows[0]?.status === 'DELIVERED' ? rows : null;
    });
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([delivery!.messageId]),
    );
    expect(delivery).toMatchObject({ attempts: 4, lastStatusCode: 200, lastError: null });
    const attempts = await attemptsOf(store, delivery!.id);
    expect(attempts.map((attempt) => [attempt.succeeded, attempt.statusCode])).toEqual([
      [false, 503],
      [false, 503],
      [false, 503],
      [true, 200],
    ]);
    expect(attempts[0]!.error).toContain('HTTP 503');
    // Each retry waited for its backoff: the attempts are spread out, not back to back.
    for (let i = 1; i < attempts.length; i++) {
      expect(attempts[i]!.attemptedAt).toBeGreaterThanOrEqual(attempts[i - 1]!.attemptedAt + 50);
    }
  });

  it('a hanging receiver is cut off at the timeout and retried; the job was recorded at once all the same', async () => {
    const mappingId = await createMapping(store);
    const failing = await rule('JOB_FAILED', await mappingName(store, mappingId), ['hook']);
    receiver.hangMs = 1500;
    startDeliverer({ timeoutMs: 300, initialMs: 60_000, maxMs: 60_000 });

    const jobId = await finishJob(store, mappingId, 'FAILED');
    expect((await jobRow(store, jobId)).status).toBe('FAILED');
    const [delivery] = await waitFor('the failed attempt', async () => {
      const rows = await deliveriesOf(store, failing.id);
      return rows[0]?.attempts === 1 ? rows : null;
    });
    expect(delivery).toMatchObject({ status: 'PENDING', lastStatusCode: null });
    expect(delivery!.lastError).toContain('no answer from');
    expect(delivery!.nextAttemptAt).toBeGreaterThan(Date.now() + 20_000);
  });

  it('an unreachable receiver is logged with its reason, and a delivery past the retry window gives up', async () => {
    const mappingId = await createMapping(store);
    const failing = await rule('JOB_FAILED', await mappingName(store, mappingId), ['hook']);
    const deliverer = new AlertDeliverer({
      store,
      channels: createAlertChannels({
        hook: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET },
      }),
      owner: 'closed-port',
      timeoutMs: 1000,
      backoff: { initialMs: 100, maxMs: 100, windowMs: 0 },
      logger: quietLogger,
    });
    deliverers.push(deliverer);

    await finishJob(store, mappingId, 'FAILED');
    expect(await deliverer.deliverDue()).toBe(1);
    const [delivery] = await deliveriesOf(store, failing.id);
    expect(delivery).toMatchObject({ status: 'GAVE_UP', attempts: 1 });
    expect(delivery!.lastError).toContain('could not reach 127.0.0.1:9');
    // Nothing is due any more.
    expect(await deliverer.deliverDue()).toBe(0);

    // An operator resends it by hand: due again, same webhook-id, a fresh window.
    expect(await resendDelivery(store.em(), delivery!.id)).toBe(true);
    const [resent] = await deliveriesOf(store, failing.id);
    expect(resent).toMatchObject({ status: 'PENDING', messageId: delivery!.messageId, attempts: 1 });
  });

  it('RECORDS_FAILED_OVER fires above its threshold only, and a Slack body and an e-mail carry the same facts', async () => {
    const mappingId = await createMapping(store);
    const name = await mappingName(store, mappingId);
    const tooMany = await rule('RECORDS_FAILED_OVER', name, ['chat', 'mail'], 5);
    startDeliverer();

    await finishJob(store, mappingId, 'PARTIAL', { failed: 5 });
    expect(await deliveriesOf(store, tooMany.id)).toEqual([]);
    await finishJob(store, mappingId, 'PARTIAL', { failed: 6 });
    const slackPosts = () => receiver.requests.filter((request) => request.path.startsWith('/slack/'));
    await waitFor('the slack post and the mail', () => slackPosts().length === 1 && smtp.mails.length === 1);

    const slack = JSON.parse(slackPosts()[0]!.body);
    expect(slack.text).toContain(`[FIRING] ${tooMany.name} on ${name}`);
    expect(slack.text).toContain('6 records failed (more than 5)');
    expect(slack.blocks.map((block: { type: string }) => block.type)).toEqual(['header', 'section', 'context']);
    expect(slackPosts()[0]!.headers['webhook-signature']).toBeUndefined();

    const [mail] = smtp.mails;
    expect(mail!.from).toBe('tandem@example.test');
    expect(mail!.to).toEqual(['ops@example.test']);
    expect(mail!.raw).toContain(`Subject: [FIRING] ${tooMany.name} on ${name}`);
    expect(mail!.raw).toContain('6 records failed (more than 5)');
    const deliveries = await waitFor('both delivered', async () => {
      const rows = await deliveriesOf(store, tooMany.id);
      return rows.every((row) => row.status === 'DELIVERED') ? rows : null;
    });
    expect(deliveries.find((row) => row.channel === 'mail')!.lastStatusCode).toBe(250);
    expect(deliveries.find((row) => row.channel === 'chat')!.lastStatusCode).toBe(204);
    smtp.mails.length = 0;
  });

  it('an unreachable SMTP host is an attempt that failed with its reason', async () => {
    const mappingId = await createMapping(store);
    const failing = await createAlertRule(
      store.em(),
      { name: 'mail-down', mapping: await mappingName(store, mappingId), when: 'JOB_FAILED', channels: ['mail'] },
      new Set(['mail']),
    );
    const deliverer = new AlertDeliverer({
      store,
      channels: createAlertChannels({
        mail: { type: 'email', smtp: 'smtp://127.0.0.1:9', from: 'tandem@example.test', to: ['ops@example.test'] },
      }),
      owner: 'mail-down',
      timeoutMs: 1000,
      backoff: { initialMs: 60_000 },
      logger: quietLogger,
    });
    deliverers.push(deliverer);
    await finishJob(store, mappingId, 'FAILED');
    await deliverer.deliverDue();
    const [delivery] = await deliveriesOf(store, failing.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(delivery!.lastError).toMatch(/^SMTP: .*ECONNREFUSED/);
  });

  it('"send a test" reaches every channel of the rule and leaves its state alone', async () => {
    const mappingId = await createMapping(store);
    const tested = await rule('JOB_FAILED', await mappingName(store, mappingId), ['hook', 'mail']);
    const deliverer = startDeliverer();
    const ids = await queueTestNotification(store.em(), tested, 'admin-key');
    expect(ids).toHaveLength(2);
    await waitFor('the test webhook and mail', () => receiver.requests.length === 1 && smtp.mails.length === 1);
    const body = new Webhook(WEBHOOK_SECRET).verify(
      receiver.requests[0]!.body,
      receiver.requests[0]!.headers as Record<string, string>,
    ) as { type: string; data: { status: unknown; message: string } };
    expect(body.type).toBe('alert.test');
    expect(body.data.status).toBeNull();
    expect(body.data.message).toContain('sent by admin-key');
    expect(await store.em().count(AlertStateSchema, { ruleId: tested.id })).toBe(0);
    await deliverer.close();
    smtp.mails.length = 0;
  });

  it('two deliverers on one outbox send each notification once', async () => {
    const mappingId = await createMapping(store);
    const failing = await rule('JOB_FAILED', await mappingName(store, mappingId), ['hook']);
    receiver.hangMs = 50;
    // Twenty notifications waiting before either deliverer starts.
    for (let i = 0; i < 20; i++) await queueTestNotification(store.em(), failing, null);
    const first = startDeliverer();
    const second = startDeliverer();
    await Promise.all([first.deliverDue(), second.deliverDue()]);
    await waitFor('all delivered', async () =>
      (await deliveriesOf(store, failing.id)).every((delivery) => delivery.status === 'DELIVERED'),
    );
    const ids = receiver.requests.map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('slackBody names the rule, the mapping and the job', () => {
    const body = slackBody({
      messageId: 'msg_1',
      body: '',
      notification: {
        type: 'alert.resolved',
        timestamp: '2026-12-01T02:00:00.000Z',
        data: {
          rule: { id: 1, name: 'customers-failing', condition: 'JOB_FAILED' },
          mapping: { id: 3, name: 'customers' },
          status: 'RESOLVED',
          message: 'job 12 ended SUCCEEDED',
          jobId: 12,
        },
      },
    });
    expect(body.text.split('\n')[0]).toBe('[RESOLVED] customers-failing on customers');
    expect(body.blocks[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Rule *customers-failing* (JOB_FAILED) · job 12 · 2026-12-01T02:00:00.000Z' }],
    });
  });
});
