import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';

/** The README's start command is `npm start`, which runs exactly this script from the repository root. */
const START_SCRIPT = fileURLToPath(new URL('../../../scripts/start.sh', import.meta.url));

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * The README's start command as a user runs it (install, build, migrate, start), with its data in a
 * folder of its own; resolves once the API answers. The script ends in `exec node …`, so the signal a
 * test sends reaches Tandem itself.
 */
async function start(dir: string, port: number): Promise<Started> {
  const child = spawn('bash', [START_SCRIPT], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), TANDEM_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 180_000;
  while (!output.includes('GraphQL API:')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tandem start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads whatever shape each query returns
type Json = Record<string, any>;

async function graphql(port: number, key: string, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Json; errors?: unknown[] };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm start (the README command) end to end', () => {
  let running: Started | undefined;
  afterEach(() => {
    running?.child.kill('SIGKILL');
  });

  it('starts the demo, prints the key once, runs jobs that open errors, stops cleanly on SIGTERM and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-start-'));
    const port = await freePort();
    running = await start(dir, port);
    const key = /^Admin API key: (\S+)$/m.exec(running.output())?.[1];
    expect(key).toMatch(/^tdm_/);

    // The demo's first jobs finish and the rejected product shows up as an open error.
    const jobs = await until('demo jobs to finish', async () => {
      const result = await graphql(port, key!, '{ syncJobs(first: 10) { totalCount edges { node { status } } } }');
      const statuses = result.data?.syncJobs.edges.map((e: { node: { status: string } }) => e.node.status) ?? [];
      return statuses.filter((s: string) => s === 'SUCCEEDED' || s === 'PARTIAL').length >= 2 ? statuses : undefined;
    });
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const errors = await graphql(port, key!, '{ syncErrors(filter: { kinds: [WRITE_FAILED] }) { totalCount } }');
    expect(errors.data?.syncErrors.totalCount).toBeGreaterThanOrEqual(1);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('stopping: finishing the running job');
    const store = new Database(join(dir, 'data', 'tandem.sqlite'));
    const unfinished = store.prepare("select count(*) as n from sync_job where status = 'RUNNING'").get() as {
      n: number;
    };
    expect(unfinished.n).toBe(0);
    const coupled = store.prepare("select count(*) as n from coupling where state = 'COUPLED'").get() as { n: number };
    expect(coupled.n).toBeGreaterThan(2000);
    store.close();

    // A restart keeps the state and the key: no new key is printed, and the old one still works.
    running = await start(dir, port);
    expect(running.output()).not.toContain('Admin API key:');
    const again = await graphql(port, key!, '{ syncJobs(first: 1) { totalCount } }');
    expect(again.data?.syncJobs.totalCount).toBeGreaterThanOrEqual(jobs.length);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    // Two whole `npm start`s (install, build, migrate, the demo's apps and its Dataverse emulator) and a
    // clean stop each: the file's 60 s per test is too short for that on a busy machine; each start still
    // has its own deadline above.
  }, 240_000);
});
