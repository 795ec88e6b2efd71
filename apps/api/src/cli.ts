#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStore, describeError, redact, TandemError } from '@tandem/sync-core';
import { createApiAccess } from './auth/api-access.js';
import { ensureAdminKey } from './auth/api-keys.js';
import { alertsCommand } from './commands/alerts.command.js';
import { checkConfigCommand } from './commands/check-config.command.js';
import { errorsCommand } from './commands/errors.command.js';
import { describeJob } from './commands/job-lines.js';
import { keysCommand } from './commands/keys.command.js';
import { TerminalProgress } from './commands/terminal-progress.js';
import { UsageError } from './commands/usage.error.js';
import { waitForJob } from './commands/wait-for-job.js';
import type { TandemConfig } from './config/config.schema.js';
import { loadConfig, parseConfig } from './config/load-config.js';
import { DemoActivitySimulator } from './demo/activity-simulator.js';
import { type RunningDemo, startDemo } from './demo/start-demo.js';
import { startHealthServer } from './health-server.js';
import { DEFAULT_KEY_LIMITS } from './limits.js';
import { coreLogger } from './observability/log-adapters.js';
import { createServerLogger } from './observability/logger.js';
import { ApiMetrics } from './observability/metrics.js';
import { metricsAccess } from './observability/metrics-access.js';
import { bridgeEvents } from './pubsub.js';
import { createRedisEvents } from './redis-event-target.js';
import { type ProcessRole, processRole, runsJobs, servesApi } from './runtime/process-role.js';
import { storeCheck } from './runtime/readiness.js';
import { startRuntime } from './runtime/tandem-runtime.js';
import { DEFAULT_ADMIN_DIR } from './serve-admin.js';
import { startApiServer } from './server.js';
import { createApi } from './yoga.js';

/**
 * `tandem` — the command line. Exit codes: 0 done, 1 the work failed (a FAILED job), 2 bad usage or an
 * invalid config (the message names the key; a connector whose database is missing or unreachable is
 * one too, named by its `connectors.NAME.url`), 3 something unexpected.
 */
const USAGE = `usage: tandem <command> [--config PATH]
  start [--no-demo]     migrate, run scheduled jobs and serve the GraphQL API (no config file: the demo)
        [--role all|api|worker]  all (default); api: serve, run no jobs; worker: run jobs, serve health only
  check-config          validate the config, open every connector and check the mapped tables and
                        columns [--offline: the file only]
  migrate               bring the database schema up to date and exit
  sync run MAPPING      run one job of a mapping now and print its outcome [--full]
  keys create --role VIEWER|OPERATOR|ADMIN --name NAME
  keys list | keys revoke ID
  errors list [--mapping M] [--kind K] [--status OPEN|RESOLVED] [--limit N]
  errors retry --all [--mapping M] [--kind K] [--run-now]
  alerts list           the alert rules, where they come from, their channels and what fires now
  alerts test RULE      send a TEST notification to each channel of a rule and report each`;

/** Where the demo and an empty Tandem (`--no-demo`) keep their files. */
const DATA_DIR = process.env.TANDEM_DATA_DIR ?? './data';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      full: { type: 'boolean' },
      help: { type: 'boolean' },
      role: { type: 'string' },
      name: { type: 'string' },
      mapping: { type: 'string' },
      kind: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean' },
      'run-now': { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      offline: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const isDemo = values.config === undefined && !configFileHere() && !values['no-demo'];
  // The demo's apps are SQLite files and a Dataverse emulator this process runs (on a free port) while the
  // command does: every command of the demo reaches the same apps.
  const demo = isDemo ? await startDemo(DATA_DIR) : null;
  try {
    const config = demo?.config ?? readConfig(values.config);
    switch (command) {
      case 'check-config':
        return await checkConfigCommand(config, values.offline ?? false);
      case 'migrate': {
        const store = await createStore({ url: config.database.url });
        await store.close();
        console.log('database is up to date');
        return 0;
      }
      case 'start':
        return await start(config, demo, processRole(values.role, config));
      case 'sync':
        if (rest[0] !== 'run' || !rest[1]) break;
        return await syncRun(config, rest[1], values.full ?? false);
      case 'keys':
        return await keysCommand(config, rest, values);
      case 'errors':
        return await errorsCommand(config, rest, { ...values, runNow: values['run-now'] });
      case 'alerts':
        return await alertsCommand(config, rest);
    }
    console.error(USAGE);
    return 2;
  } finally {
    await demo?.close();
  }
}

function configFileHere(): string | null {
  if (existsSync('tandem.config.yaml')) return 'tandem.config.yaml';
  return existsSync('tandem.config.json') ? 'tandem.config.json' : null;
}

/** The config file given or found here; else (`--no-demo`) an empty Tandem (API only). The demo's is `startDemo`'s. */
function readConfig(path: string | undefined): TandemConfig {
  const file = path ?? configFileHere();
  if (file) return loadConfig(file);
  return parseConfig({ database: { url: `sqlite:${join(DATA_DIR, 'tandem.sqlite')}` }, connectors: {} });
}

async function start(config: TandemConfig, demo: RunningDemo | null, role: ProcessRole): Promise<number> {
  // One logger for the server: JSON lines on stdout (pretty in a terminal); a job's lines carry its id and mapping.
  const log = createServerLogger({ level: config.logging.level });
  const runtime = await startRuntime(config, {
    runJobs: runsJobs(role),
    schedules: runsJobs(role),
    // In the background: a job claimed meanwhile takes a thread that is starting (`job thread started` is logged).
    prestartJobThreads: runsJobs(role),
    logger: coreLogger(log),
  });
  // The demo's apps are used by simulated people, so that errors appear to triage; one of them works in the
  // Dataverse emulator's accounts through its Web API.
  const simulator = demo ? new DemoActivitySimulator(DATA_DIR, undefined, undefined, demo.dataverse.person) : null;
  simulator?.start();
  // The first start (or one after every admin key was revoked) creates an admin key; it is shown this once.
  const adminKey = servesApi(role) ? await ensureAdminKey(runtime.store.em()) : null;
  if (adminKey) say(`Admin API key: ${adminKey}`);
  // With Redis, subscription events travel through it: a job run by any worker reaches every API process.
  const redis = config.queue
    ? createRedisEvents(config.queue.redis, config.queue.prefix, (error) =>
        log.warn({ reason: describeError(error).split('\n')[0] }, 'redis: events cannot be published or heard'),
      )
    : null;
  const { pubsub, detach } = bridgeEvents(runtime.events, redis ? { eventTarget: redis.eventTarget } : {});
  const readinessChecks = [
    storeCheck(runtime.store),
    ...(redis ? [{ name: 'redis', check: () => redis.ready() }] : []),
  ];
  const services = {
    store: runtime.store,
    queue: runtime.queue,
    connectors: runtime.connectors,
    events: runtime.events,
    pubsub,
    readiness: readinessChecks,
    actionLease: { waitMs: config.jobs.actionWaitSeconds * 1000 },
    alerts: runtime.alerts,
  };
  // TANDEM_ADMIN_DIR serves another build of the console (a test's own build, a custom deployment).
  const adminDir = process.env.TANDEM_ADMIN_DIR ?? DEFAULT_ADMIN_DIR;
  const listen = { port: config.server.port, host: config.server.host };
  // Job metrics count what this process sees; `/metrics` answers the metrics token or an ADMIN key.
  const metrics = new ApiMetrics({ store: runtime.store, events: runtime.events, logger: coreLogger(log) });
  const apiOptions = {
    limits: config.limits,
    logger: log,
    metrics: { exporter: metrics, token: config.metrics?.token },
  };
  const server = servesApi(role)
    ? await startApiServer(createApi(services, apiOptions), services, { ...listen, adminDir })
    : await startHealthServer(readinessChecks, {
        ...listen,
        metrics: {
          page: () => metrics.page(),
          check: metricsAccess(
            config.metrics?.token,
            createApiAccess(services, { ...DEFAULT_KEY_LIMITS, ...config.limits }),
          ),
        },
      });
  log.info({ role, mappings: config.mappings.length, database: redact(config.database.url) }, 'Tandem is running');
  if (demo) {
    const { emulator, person } = demo.dataverse;
    say(`Dataverse emulator (the demo's CRM for mapping "companies"): ${emulator.url}`);
    say(`  Web API ${emulator.apiUrl}, token ${emulator.tokenUrl}, client ${person.clientId} / ${person.clientSecret}`);
  }
  if (servesApi(role)) {
    if (existsSync(join(adminDir, 'index.html'))) say(`Console: ${server.url}/`);
    say(`GraphQL API: ${server.url}/graphql`);
  } else {
    say(`Health: ${server.url}/healthz`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: finishing the running job…');
  await simulator?.stop();
  await server.close();
  detach();
  metrics.close();
  await runtime.close();
  await redis?.close();
  // Last: the running job may still have been talking to it.
  await demo?.close();
  return 0;
}

/**
 * The lines `tandem start` prints for people and scripts — the admin key, where the API and the console are —
 * as plain text, not log lines: tests and scripts read them (`Admin API key: …`, `GraphQL API: …`).
 */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function syncRun(config: TandemConfig, mappingName: string, full: boolean): Promise<number> {
  // Only this one job: schedules stay with the `start` process.
  const runtime = await startRuntime(config, { schedules: false });
  try {
    const mapping = config.mappings.find((m) => m.name === mappingName);
    if (!mapping) {
      console.error(`no mapping named "${mappingName}" (${config.mappings.map((m) => m.name).join(', ')})`);
      return 2;
    }
    const { TableMappingSchema } = await import('@tandem/sync-core');
    const stored = await runtime.store.em().findOneOrFail(TableMappingSchema, { name: mappingName });
    const progress = process.stdout.isTTY ? new TerminalProgress(mappingName) : null;
    const { jobId } = await runtime.queue.enqueue(stored.id, { trigger: 'MANUAL', full, requestedBy: 'cli' });
    // This process or another one (a running `tandem start`) may run it: wait for its row to say it ended.
    const job = await waitForJob(runtime.store, runtime.events, jobId, (update) => progress?.update(update));
    progress?.done();
    console.log(describeJob(job));
    return job.status === 'FAILED' ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof TandemError || error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    // Unexpected: where it happened, but no SQL values (a driver error inlines them).
    console.error(describeError(error));
    process.exit(3);
  },
);
