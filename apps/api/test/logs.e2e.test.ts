import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, ensureDemoApps } from '../src/demo/demo-apps.js';
import { startTandem, type TandemStart } from './tandem-start.js';

/**
 * `tandem start` as a child process with a config of its own: its stdout is JSON log lines (plus the few
 * plain lines people and scripts read), a job's lines carry its id and mapping, the level is the config's
 * (or TANDEM_LOG_LEVEL's), and no line holds a SQL statement.
 */
const METRICS_TOKEN = 'logs-e2e-metrics-token-0123456789';
/** What `tandem start` prints as plain text, not as log lines. */
const PLAIN = /^(Admin API key|GraphQL API|Console|Health): /;
/** The start of a SQL statement anywhere in a line (redactSql keeps only the driver's reason). */
const SQL = /\b(insert\s+into|select\s+.+\s+from|update\s+\S+\s+set|delete\s+from|begin\s+immediate)\b/i;

// biome-ignore lint/suspicious/noExplicitAny: log lines are whatever JSON pino wrote
type Line = Record<string, any>;

type Running = TandemStart;

let dir: string;
let config: string;
let adminKey = '';

async function start(env: Record<string, string> = {}): Promise<Running> {
  const server = await startTandem(['--config', config], { cwd: dir, env: { TANDEM_LOG_LEVEL: '', ...env } });
  adminKey = server.adminKey || adminKey;
  return server;
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads whatever shape each query returns
async function graphql(server: Running, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Runs the items mapping now through the API and waits until the job has ended; resolves with its id. */
async function runItems(server: Running): Promise<number> {
  const { tableMappings } = await graphql(server, '{ tableMappings { id name } }');
  const items = tableMappings.find((mapping: { name: string }) => mapping.name === 'items');
  const { runSync } = await graphql(
    server,
    'mutation($m: ID!) { runSync(mappingId: $m, full: true) { ... on RunSyncPayload { job { id } } } }',
    { m: items.id },
  );
  const jobId = runSync.job.id as string;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { node } = await graphql(server, 'query($id: ID!) { node(id: $id) { ... on SyncJob { status } } }', {
      id: jobId,
    });
    if (['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(node.status)) break;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Number(Buffer.from(jobId, 'base64').toString('utf8').split(':')[1]);
}

/** Every stdout line that is not one of the plain ones, parsed: a line that is not JSON fails the test. */
function logLines(server: Running): Line[] {
  return server.stdout.filter((line) => !PLAIN.test(line)).map((line) => JSON.parse(line) as Line);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-logs-'));
  ensureDemoApps(dir);
  const demo = demoConfig(dir);
  config = join(dir, 'tandem.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      ...demo,
      // Only the jobs the test asks for.
      mappings: demo.mappings.map((mapping) => ({ ...mapping, scheduleSeconds: 0 })),
      logging: { level: 'debug' },
      metrics: { token: METRICS_TOKEN },
    }),
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('tandem start logs', () => {
  let debugRun: { lines: Line[]; jobId: number; stderr: string[]; metrics: string; exitCode: number | null };

  beforeAll(async () => {
    const server = await start();
    const jobId = await runItems(server);
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    // The job's last line is written right after its status is stored; give it a moment.
    const deadline = Date.now() + 5_000;
    while (!logLines(server).some((line) => line.jobId === jobId && /^job (finished|failed)$/.test(line.msg))) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const exitCode = await server.stop();
    debugRun = { lines: logLines(server), jobId, stderr: server.stderr, metrics, exitCode };
  }, 120_000);

  it('prints the admin key and the API URL as plain lines, and everything else as JSON lines', () => {
    expect(adminKey).toMatch(/^tdm_/);
    expect(debugRun.exitCode).toBe(0);
    expect(debugRun.stderr).toEqual([]);
    for (const line of debugRun.lines) {
      expect(typeof line.msg).toBe('string');
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(line.level);
      expect(Date.parse(line.time)).not.toBeNaN();
    }
    const messages = debugRun.lines.map((line) => line.msg);
    expect(messages).toContain('Tandem is running');
    expect(messages).toContain('stopping: finishing the running job…');
  });

  it("carries the job's id and mapping on every line of the job: started, progress, end", () => {
    const jobLines = debugRun.lines.filter((line) => line.jobId === debugRun.jobId);
    for (const line of jobLines) expect(line).toMatchObject({ jobId: debugRun.jobId, mapping: 'items' });
    const messages = jobLines.map((line) => line.msg);
    expect(messages[0]).toBe('job started');
    expect(messages).toContain('job progress');
    expect(messages.at(-1)).toMatch(/^job (finished|failed)$/);
    const end = jobLines.at(-1)!;
    expect(end).toMatchObject({ status: expect.stringMatching(/^(SUCCEEDED|PARTIAL|FAILED)$/) });
    expect(end.durationMs).toBeGreaterThanOrEqual(0);
    // The same job as /metrics counted it, from the same process.
    expect(debugRun.metrics).toContain(`tandem_sync_jobs_total{mapping="items",status="${end.status}"} 1`);
    expect(debugRun.metrics).toContain(`tandem_sync_records_total{mapping="items",counter="inserted"} ${end.inserted}`);
  });

  it('honours the config level (debug lines are there) and holds no SQL statement', () => {
    expect(debugRun.lines.some((line) => line.level === 'debug')).toBe(true);
    for (const line of debugRun.lines) expect(JSON.stringify(line)).not.toMatch(SQL);
  });

  it('TANDEM_LOG_LEVEL overrides the config: at warn, a job writes no info or debug line', async () => {
    const server = await start({ TANDEM_LOG_LEVEL: 'warn' });
    await runItems(server);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await server.stop()).toBe(0);
    expect(server.stdout.some((line) => line.startsWith('GraphQL API: '))).toBe(true);
    // A restart keeps the key: it is not printed again.
    expect(server.stdout.some((line) => line.startsWith('Admin API key: '))).toBe(false);
    for (const line of logLines(server)) {
      expect(['warn', 'error', 'fatal'], JSON.stringify(line)).toContain(line.level);
      expect(JSON.stringify(line)).not.toMatch(SQL);
    }
  }, 120_000);
});
