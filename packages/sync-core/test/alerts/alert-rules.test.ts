import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertCheckSchedule } from '../../src/alerts/alert-check-schedule.js';
import {
  createAlertRule,
  saveConfiguredAlertRules,
  setAlertRuleEnabled,
  updateAlertRule,
} from '../../src/alerts/alert-rules.repository.js';
import { type AlertStateChange, alertSignal } from '../../src/alerts/alert-signal.js';
import { createStore, type Store } from '../../src/db/orm.js';
import { emptyCounters, type SyncOutcome } from '../../src/engine/sync-run.js';
import { AlertRuleSchema } from '../../src/entities/alert-rule.entity.js';
import { AlertStateSchema } from '../../src/entities/alert-state.entity.js';
import { SyncErrorSchema } from '../../src/entities/sync-error.entity.js';
import { InvalidConfigError } from '../../src/errors/invalid-config.error.js';
import { InvalidInputError } from '../../src/errors/invalid-input.error.js';
import { InProcessEventBus } from '../../src/events/event-publisher.js';
import { InProcessQueue } from '../../src/jobs/in-process-queue.js';
import { acquireMappingLease } from '../../src/jobs/mapping-lease.js';
import {
  claimSyncJob,
  enqueueSyncJob,
  finishSyncJob,
  recoverInterruptedJobs,
} from '../../src/jobs/sync-job.repository.js';
import { closeQueuesAndClear, createMapping, jobsOf, mappingName, waitFor } from '../jobs/job-test-kit.js';
import { DIALECTS, type ScratchDatabase, scratchDatabase } from '../support/databases.js';
import { deliveriesOf, finishJob } from './alert-test-kit.js';

const CHANNELS = new Set(['ops-hook', 'ops-mail']);
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(DIALECTS)('alert rules and states on %s', (dialect) => {
  let db: ScratchDatabase;
  let store: Store;
  const queues: InProcessQueue[] = [];
  beforeAll(async () => {
    db = await scratchDatabase(dialect, 'alertrules');
    store = await createStore({ url: db.url });
  });
  afterEach(async () => closeQueuesAndClear(store, queues));
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('refuses bad config rules with the rule and the field, and writes none of them', async () => {
    const mapping = await mappingName(store, await createMapping(store));
    const good = { name: 'fine', mapping, when: 'JOB_FAILED' as const, channels: ['ops-hook'] };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [
        { ...good, name: 'ghost', mapping: 'no-such-mapping' },
        'alerts.rules[1].mapping',
        /no mapping is named "no-such-mapping" \(rule "ghost"\)/,
      ],
      [
        { name: 'negative', when: 'RECORDS_FAILED_OVER', threshold: -1, channels: ['ops-hook'] },
        'alerts.rules[1].threshold',
        /0 or more \(got -1\) \(rule "negative"\)/,
      ],
      [
        { ...good, name: 'nowhere', channels: ['ops-hook', 'pager'] },
        'alerts.rules[1].channels[1]',
        /no channel is named "pager"/,
      ],
      [{ name: 'stall', when: 'NO_SUCCESS_FOR', channels: ['ops-hook'] }, 'alerts.rules[1].minutes', /needs minutes/],
      [
        { name: 'stall', when: 'NO_SUCCESS_FOR', minutes: 0, channels: ['ops-hook'] },
        'alerts.rules[1].minutes',
        /more than 0/,
      ],
      [{ ...good, name: 'odd', threshold: 3 }, 'alerts.rules[1].threshold', /JOB_FAILED takes no threshold/],
      [
        { name: 'kinds', when: 'OPEN_ERRORS_OVER', threshold: 1, kinds: ['TYPO'], channels: ['ops-hook'] },
        'alerts.rules[1].kinds[0]',
        /"TYPO" is not an error kind/,
      ],
      [{ ...good }, 'alerts.rules[1].name', /"fine" is used twice/],
    ];
    for (const [bad, path, reason] of cases) {
      const error = await saveConfiguredAlertRules(store.em(), [good, bad as never], CHANNELS).catch((e) => e);
      expect(error, path).toBeInstanceOf(InvalidConfigError);
      expect(error.path).toBe(path);
      expect(error.message).toMatch(reason);
    }
    expect(await store.em().count(AlertRuleSchema, {})).toBe(0);
  });

  it('keeps config rules in step with the file and read-only through the API; API rules are an admin’s', async () => {
    const mapping = await mappingName(store, await createMapping(store));
    await saveConfiguredAlertRules(
      store.em(),
      [
        { name: 'cfg-a', mapping, when: 'JOB_FAILED', channels: ['ops-hook'] },
        { name: 'cfg-b', when: 'OPEN_ERRORS_OVER', threshold: 10, kinds: ['UPDATE_CONFLICT'], channels: ['ops-mail'] },
      ],
      CHANNELS,
    );
    const own = await createAlertRule(
      store.em(),
      { name: 'mine', mapping, when: 'RECORDS_FAILED_OVER', threshold: 2, channels: ['ops-mail'] },
      CHANNELS,
    );
    // cfg-b fires for a mapping and has a notification waiting.
    const cfgB = await store.em().findOneOrFail(AlertRuleSchema, { name: 'cfg-b' });
    await store.em().nativeUpdate(AlertRuleSchema, { id: cfgB.id }, { threshold: 0 });
    const firingMapping = await createMapping(store);
    await store.em().insert(SyncErrorSchema, {
      mappingId: firingMapping,
      kind: 'UPDATE_CONFLICT',
      status: 'OPEN',
      message: 'x',
      occurredAt: Date.now(),
    });
    await finishJob(store, firingMapping, 'PARTIAL');
    expect(await deliveriesOf(store, cfgB.id)).toHaveLength(1);
    // The file changes: cfg-b goes (with its state and notifications), cfg-a changes.
    await saveConfiguredAlertRules(
      store.em(),
      [{ name: 'cfg-a', when: 'NO_SUCCESS_FOR', minutes: 30, channels: ['ops-hook', 'ops-mail'] }],
      CHANNELS,
    );
    const rules = await store.em().find(AlertRuleSchema, {}, { orderBy: { name: 'asc' } });
    expect(rules.map((rule) => [rule.name, rule.source, rule.condition, rule.mappingId, rule.stalledAfterMs])).toEqual([
      ['cfg-a', 'CONFIG', 'NO_SUCCESS_FOR', null, 1_800_000],
      ['mine', 'API', 'RECORDS_FAILED_OVER', own.mappingId, null],
    ]);
    expect(await deliveriesOf(store, cfgB.id)).toEqual([]);
    expect(await store.em().count(AlertStateSchema, { ruleId: cfgB.id })).toBe(0);
    await store.em().nativeUpdate(SyncErrorSchema, { mappingId: firingMapping }, { status: 'RESOLVED' });
    const cfg = rules[0]!;
    const input = { name: 'cfg-a', when: 'JOB_FAILED' as const, channels: ['ops-hook'] };
    await expect(updateAlertRule(store.em(), cfg.id, input, CHANNELS)).rejects.toThrow(/comes from the config file/);
    await expect(setAlertRuleEnabled(store.em(), cfg.id, false)).rejects.toBeInstanceOf(InvalidInputError);
    // The API's own checks name the field without the config path.
    const error = await createAlertRule(
      store.em(),
      { name: 'neg', when: 'RECORDS_FAILED_OVER', threshold: -5, channels: ['ops-mail'] },
      CHANNELS,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.field).toBe('threshold');
    await expect(
      createAlertRule(store.em(), { name: 'mine', when: 'JOB_FAILED', channels: ['ops-mail'] }, CHANNELS),
    ).rejects.toThrow(/exists already/);
    // An admin's rule can be switched off; a disabled rule is not evaluated.
    await setAlertRuleEnabled(store.em(), own.id, false);
    await finishJob(store, own.mappingId!, 'PARTIAL', { failed: 50 });
    expect(await deliveriesOf(store, own.id)).toEqual([]);
    await store.em().nativeDelete(AlertRuleSchema, {});
  });

  it('a rule for every mapping keeps a state per mapping and announces each change after it commits', async () => {
    const first = await createMapping(store);
    const second = await createMapping(store);
    const rule = await createAlertRule(
      store.em(),
      { name: 'any-failure', when: 'JOB_FAILED', channels: ['ops-hook', 'ops-mail'] },
      CHANNELS,
    );
    const announced: AlertStateChange[] = [];
    const stop = alertSignal.onStateChanged((change) => announced.push(change));
    try {
      await finishJob(store, first, 'FAILED');
      await finishJob(store, second, 'FAILED');
      await finishJob(store, first, 'CANCELLED'); // changes nothing
      await finishJob(store, first, 'SUCCEEDED');
    } finally {
      stop();
    }
    expect(announced.map((change) => [change.mappingId, change.status])).toEqual([
      [first, 'FIRING'],
      [second, 'FIRING'],
      [first, 'RESOLVED'],
    ]);
    const deliveries = await deliveriesOf(store, rule.id);
    expect(deliveries.map((delivery) => [delivery.mappingId, delivery.event, delivery.channel])).toEqual([
      [first, 'FIRING', 'ops-hook'],
      [first, 'FIRING', 'ops-mail'],
      [second, 'FIRING', 'ops-hook'],
      [second, 'FIRING', 'ops-mail'],
      [first, 'RESOLVED', 'ops-hook'],
      [first, 'RESOLVED', 'ops-mail'],
    ]);
    const states = await store.em().find(AlertStateSchema, { ruleId: rule.id }, { orderBy: { mappingId: 'asc' } });
    expect(states.map((state) => [state.mappingId, state.status])).toEqual([
      [first, 'RESOLVED'],
      [second, 'FIRING'],
    ]);
    await store.em().nativeUpdate(AlertRuleSchema, { id: rule.id }, { enabled: false });
  });

  it('a job found interrupted (its worker died) ends FAILED and fires JOB_FAILED like any other', async () => {
    const mappingId = await createMapping(store);
    const rule = await createAlertRule(
      store.em(),
      { name: 'interrupted', mapping: await mappingName(store, mappingId), when: 'JOB_FAILED', channels: ['ops-hook'] },
      CHANNELS,
    );
    const now = Date.now();
    const enqueued = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL', now: now - 10_000 });
    await acquireMappingLease(store.em(), { mappingId, owner: 'dead-worker', ttlMs: 1000, now: now - 9000 });
    await claimSyncJob(store.em(), { jobId: enqueued!.job.id, workerId: 'dead-worker', now: now - 9000 });

    expect(await recoverInterruptedJobs(store.em(), { now })).toEqual([enqueued!.job.id]);
    const [delivery] = await deliveriesOf(store, rule.id);
    expect(delivery).toMatchObject({ event: 'FIRING', mappingId });
    expect(JSON.parse(delivery!.payload).data.message).toContain('interrupted');
    await store.em().nativeUpdate(AlertRuleSchema, { id: rule.id }, { enabled: false });
    await store.em().execute('delete from mapping_lease', [], 'run');
  });

  it('a fault in the evaluation costs the notification, never the job’s final status', async () => {
    const mappingId = await createMapping(store);
    // A rule row no code would write: its channels are not JSON, so building its notifications throws.
    await store.em().insert(AlertRuleSchema, {
      name: 'broken',
      mappingId,
      condition: 'JOB_FAILED',
      channels: 'not json',
      enabled: true,
      source: 'API',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
    const enqueued = await enqueueSyncJob(store.em(), { mappingId, trigger: 'MANUAL' });
    await acquireMappingLease(store.em(), { mappingId, owner: 'w', ttlMs: 60_000 });
    await claimSyncJob(store.em(), { jobId: enqueued!.job.id, workerId: 'w' });
    const faults: unknown[] = [];
    const recorded = await finishSyncJob(store.em(), {
      jobId: enqueued!.job.id,
      workerId: 'w',
      outcome: { status: 'FAILED', counters: emptyCounters(), message: 'app down' },
      onAlertError: (error) => faults.push(error),
    });
    expect(recorded).toBe(true);
    expect(faults).toHaveLength(1);
    expect((await jobsOf(store, mappingId))[0]).toMatchObject({ status: 'FAILED', message: 'app down' });
    // The state's move was rolled back with the savepoint: nothing half-written.
    const broken = await store.em().findOneOrFail(AlertRuleSchema, { name: 'broken' });
    expect(await store.em().count(AlertStateSchema, { ruleId: broken.id })).toBe(0);
    expect(await deliveriesOf(store, broken.id)).toEqual([]);
    await store.em().nativeDelete(AlertRuleSchema, { id: broken.id });
    await store.em().execute('delete from mapping_lease', [], 'run');
  });

  it('OPEN_ERRORS_OVER counts the open errors of its kinds at a job’s end and in the periodic check', async () => {
    const mappingId = await createMapping(store);
    const rule = await createAlertRule(
      store.em(),
      {
        name: 'conflicts',
        mapping: await mappingName(store, mappingId),
        when: 'OPEN_ERRORS_OVER',
        threshold: 2,
        kinds: ['UPDATE_CONFLICT'],
        channels: ['ops-hook'],
      },
      CHANNELS,
    );
    const openError = (kind: 'UPDATE_CONFLICT' | 'WRITE_FAILED') =>
      store.em().insert(SyncErrorSchema, { mappingId, kind, status: 'OPEN', message: 'x', occurredAt: Date.now() });
    await openError('UPDATE_CONFLICT');
    await openError('UPDATE_CONFLICT');
    await openError('WRITE_FAILED');
    await finishJob(store, mappingId, 'PARTIAL');
    expect(await deliveriesOf(store, rule.id)).toEqual([]);
    await openError('UPDATE_CONFLICT');
    await finishJob(store, mappingId, 'PARTIAL');
    expect((await deliveriesOf(store, rule.id)).map((delivery) => delivery.event)).toEqual(['FIRING']);
    // Triage resolves errors between jobs: the periodic check sees it.
    await store.em().nativeUpdate(SyncErrorSchema, { mappingId, kind: 'UPDATE_CONFLICT' }, { status: 'RESOLVED' });
    await new AlertCheckSchedule(store, 60_000, quietLogger).checkNow();
    expect((await deliveriesOf(store, rule.id)).map((delivery) => delivery.event)).toEqual(['FIRING', 'RESOLVED']);
    const payload = JSON.parse((await deliveriesOf(store, rule.id))[1]!.payload);
    expect(payload.data.message).toBe('0 open UPDATE_CONFLICT errors');
    await store.em().nativeUpdate(AlertRuleSchema, { id: rule.id }, { enabled: false });
  });

  it('the stalled rule fires when the schedule stops producing successful jobs, and resolves after one', async () => {
    const mappingId = await createMapping(store, { scheduleSeconds: 1 });
    const idle = await createMapping(store, { scheduleSeconds: 0 }); // runs only by hand: never stalled
    let outcome: SyncOutcome['status'] = 'SUCCEEDED';
    const queue = new InProcessQueue({
      context: { store, connectors: new Map(), events: new InProcessEventBus(), workerId: 'stall-worker' },
      runJob: async () => ({
        status: outcome,
        counters: emptyCounters(),
        message: outcome === 'FAILED' ? 'app down' : null,
      }),
      pollIntervalMs: 100,
      logger: quietLogger,
    });
    queues.push(queue);
    const rule = await createAlertRule(
      store.em(),
      // 1.2 s without a successful job: long enough for one scheduled run, short enough for a test.
      { name: 'stalled', when: 'NO_SUCCESS_FOR', minutes: 0.02, channels: ['ops-hook'] },
      CHANNELS,
    );
    const check = new AlertCheckSchedule(store, 60_000, quietLogger);
    const stateOf = async (id: number) =>
      (await store.em().findOne(AlertStateSchema, { ruleId: rule.id, mappingId: id }))?.status;
    await queue.start();
    await waitFor('a successful scheduled job', async () =>
      (await jobsOf(store, mappingId)).some((job) => job.status === 'SUCCEEDED'),
    );
    await check.checkNow();
    expect(await stateOf(mappingId)).toBeUndefined();

    // The app goes down: the schedule goes on, but every job fails.
    outcome = 'FAILED';
    await waitFor(
      'the stalled state',
      async () => {
        await check.checkNow();
        return (await stateOf(mappingId)) === 'FIRING';
      },
      15_000,
    );
    const failedSince = (await jobsOf(store, mappingId)).filter((job) => job.status === 'FAILED');
    expect(failedSince.length).toBeGreaterThan(0);
    await check.checkNow();
    expect((await deliveriesOf(store, rule.id)).map((delivery) => [delivery.mappingId, delivery.event])).toEqual([
      [mappingId, 'FIRING'],
    ]);

    // The app is back: the next scheduled job succeeds and resolves it, in the job's own transaction.
    outcome = 'SUCCEEDED';
    await waitFor('the resolved state', async () => (await stateOf(mappingId)) === 'RESOLVED', 15_000);
    await check.checkNow();
    expect((await deliveriesOf(store, rule.id)).map((delivery) => delivery.event)).toEqual(['FIRING', 'RESOLVED']);
    const [resolved] = await store.em().find(AlertStateSchema, { ruleId: rule.id, mappingId });
    expect(resolved!.jobId).not.toBeNull();
    expect(await stateOf(idle)).toBeUndefined();
  });
});
