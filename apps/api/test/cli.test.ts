import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { tandem } from './cli-process.js';

describe('tandem CLI', () => {
  it('check-config exits 2 and names the key of a mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    writeFileSync(join(dir, 'tandem.config.yaml'), 'connectors: {}\nmapings: []\n');
    const result = await tandem(dir, ['check-config']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('error: mapings: is not a known setting');
  });

  it('runs a demo job on request and prints its outcome; a second run has nothing left to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    const first = await tandem(dir, ['sync', 'run', 'customers']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/job \d+ mapping \d+ SUCCEEDED inserted=2100 modified=200 .* coupled=200/);
    const erp = new Database(join(dir, 'data', 'demo', 'erp.sqlite'));
    expect((erp.prepare('select count(*) as n from customer').get() as { n: number }).n).toBe(2300);
    erp.close();
    const second = await tandem(dir, ['sync', 'run', 'customers']);
    expect(second.stdout).toMatch(/SUCCEEDED inserted=0 modified=0 /);
  });

  it('sync run of an unknown mapping exits 2 and lists the mappings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    const result = await tandem(dir, ['sync', 'run', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no mapping named "nope" (customers, items, contacts, companies)');
  });
});

describe('tandem CLI: keys and errors', () => {
  it('creates a key shown once, lists it by prefix, revokes it; a bad role exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    const created = await tandem(dir, ['keys', 'create', '--role', 'operator', '--name', 'ci-bot']);
    expect(created.code).toBe(0);
    const key = /^API key: (tdm_\S+)$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const listed = await tandem(dir, ['keys', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^1\\tOPERATOR\\t${key!.slice(0, 8)}[^\\n]*\\tci-bot\\tactive`, 'm'));
    expect(listed.stdout).not.toContain(key);
    expect((await tandem(dir, ['keys', 'revoke', '1'])).stdout).toContain('API key 1 revoked');
    expect((await tandem(dir, ['keys', 'list'])).stdout).toMatch(/ci-bot\trevoked/);
    const bad = await tandem(dir, ['keys', 'create', '--role', 'boss', '--name', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role must be one of VIEWER, OPERATOR, ADMIN');
  });

  it('lists open errors of a mapping and retries them all by filter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    await tandem(dir, ['sync', 'run', 'items']);
    const listed = await tandem(dir, ['errors', 'list', '--mapping', 'items']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/\tWRITE_FAILED\tOPEN\t.*length\(description\) <= 30/);
    expect(listed.stdout).toMatch(/^1 error$/m);
    const retried = await tandem(dir, ['errors', 'retry', '--all', '--mapping', 'items', '--kind', 'write_failed']);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('requested 1, succeeded 1, failed 0');
    const wrong = await tandem(dir, ['errors', 'list', '--kind', 'nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--kind must be one of UPDATE_CONFLICT');
  });
});

describe('tandem sync run in a terminal', () => {
  it('draws one progress line from a job snapshot', async () => {
    const { progressLine } = await import('../src/commands/terminal-progress.js');
    const line = progressLine(
      'customers',
      {
        id: 3,
        mappingId: 1,
        status: 'RUNNING',
        queuedAt: 0,
        startedAt: 0,
        finishedAt: null,
        inserted: 40,
        modified: 2,
        deleted: 0,
        unchanged: 0,
        skipped: 0,
        failed: 1,
        coupled: 5,
        uncoupled: 0,
        processed: 1200,
        message: null,
      },
      3,
      2500,
    );
    expect(line).toMatch(/^⠸ customers running [█░]{24} read 1200 · \+40 ~2 coupled 5 failed 1 · 2\.5 s$/);
  });
});
