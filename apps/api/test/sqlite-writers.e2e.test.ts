import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoActivitySimulator } from '../src/demo/activity-simulator.js';
import { demoConfig, ensureDemoApps } from '../src/demo/demo-apps.js';
import { tandem } from './cli-process.js';
import { startTandem, type TandemStart } from './tandem-start.js';

/**
 * Several writers on one SQLite store, on purpose: a running server whose every mapping is scheduled
 * every second (jobs on its job threads), triage actions through its API, people editing both apps, and
 * twenty `tandem sync run --full` processes beside it. "database is locked" must never fail a job, mark a
 * live job interrupted, or reach a log.
 */
let dir: string;
let config: string;
let server: TandemStart;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-writers-'));
  ensureDemoApps(dir);
  const demo = demoConfig(dir);
  config = join(dir, 'tandem.config.json');
  writeFileSync(
    config,
    JSON.stringify({ ...demo, mappings: demo.mappings.map((mapping) => ({ ...mapping, scheduleSeconds: 1 })) }),
  );
  server = await startTandem(['--config', config], { cwd: dir });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function act(query: string): Promise<void> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

describe('SQLite with several writers', () => {
  it('runs 20 CLI full syncs beside a busy server: no failed or interrupted job, no "database is locked"', async () => {
    const people = new DemoActivitySimulator(dir, 150);
    people.start();
    let acting = true;
    const actions = (async () => {
      const errors: unknown[] = [];
      while (acting) {
        // Triage while jobs run: retry everything open, and let the ERP win every conflict.
        await act('mutation { retryAllSyncErrors { __typename } }').catch((error) => errors.push(error));
        await act(
          'mutation { synchronizeSyncErrors(filter: { kinds: [UPDATE_CONFLICT] }, winner: LOCAL) { __typename } }',
        ).catch((error) => errors.push(error));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return errors;
    })();

    const names = ['customers', 'items', 'contacts'];
    const runs: { code: number; stdout: string; stderr: string }[] = [];
    for (let i = 0; i < 20; i += 2) {
      runs.push(
        ...(await Promise.all(
          [0, 1].map((j) => tandem(dir, ['sync', 'run', names[(i + j) % 3]!, '--full', '--config', config])),
        )),
      );
    }
    acting = false;
    const actionErrors = await actions;
    people.stop();

    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
      // The job it asked for (or the waiting one it joined) ended, and not FAILED.
      expect(run.stdout).toMatch(/^job \d+ mapping \d+ (SUCCEEDED|PARTIAL) /m);
    }
    expect(actionErrors).toEqual([]);
    const store = new Database(join(dir, 'tandem.sqlite'), { readonly: true });
    const failed = store.prepare("select id, message from sync_job where status = 'FAILED'").all();
    store.close();
    expect(failed).toEqual([]);
    expect([...server.stdout, ...server.stderr].join('\n')).not.toMatch(/database is locked|SQLITE_BUSY/i);
  }, 300_000);
});
