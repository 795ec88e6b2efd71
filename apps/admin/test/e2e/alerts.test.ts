import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_DIST, graphqlRequest, requireConsoleBuild, waitFor } from './api-process';
import { type Browser, CHROMIUM, launchBrowser, signIn } from './chromium';

const API_DIR = fileURLToPath(new URL('../../../api/', import.meta.url));
const SECRET = `whsec_${Buffer.from('console-alerts-e2e-secret-32byte').toString('base64')}`;

/**
 * The Alerts page in Chromium against a real `tandem start` with an alerts config: two tiny SQLite apps, a
 * webhook receiver on loopback, a rule from the file. An admin creates a rule (a refused field is shown at
 * the field), sends a test and sees it delivered in the log; a failing job makes the file's rule fire on
 * the page and on the dashboard; a viewer sees the same without any button.
 */
describe.skipIf(!existsSync(CHROMIUM))('the Alerts page in Chromium', () => {
  let folder: string;
  let child: ChildProcess;
  let url: string;
  let adminKey: string;
  let browser: Browser;
  let receiver: Server;
  const received: Array<{ id: string; body: string }> = [];

  beforeAll(async () => {
    requireConsoleBuild();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ id: String(req.headers['webhook-id']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    folder = mkdtempSync(join(tmpdir(), 'tandem-admin-alerts-'));
    const erp = new Database(join(folder, 'erp.sqlite'));
    erp.exec('create table customer (id integer primary key, name text, modified_at text)');
    erp.exec("insert into customer (name, modified_at) values ('Ada', '2026-12-01T10:00:00.000Z')");
    erp.close();
    const crm = new Database(join(folder, 'crm.sqlite'));
    crm.exec('create table account (accountid text primary key, name text, modifiedon text)');
    crm.close();
    const config = join(folder, 'tandem.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: { url: `sqlite:${join(folder, 'tandem.sqlite')}` },
        connectors: {
          erp: { type: 'sql', url: `sqlite:${join(folder, 'erp.sqlite')}` },
          crm: { type: 'sql', url: `sqlite:${join(folder, 'crm.sqlite')}` },
        },
        mappings: [
          {
            name: 'customers',
            local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
            integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
            fields: [{ local: 'name', integration: 'name' }],
          },
        ],
        alerts: {
          channels: { hook: { type: 'webhook', url: hook, secret: SECRET } },
          rules: [{ name: 'customers-failing', mapping: 'customers', when: 'JOB_FAILED', channels: ['hook'] }],
          delivery: { pollSeconds: 0.2 },
        },
      }),
    );
    ({ child, url, adminKey } = await startTandem(folder, config));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    receiver?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('an admin creates a rule (a refused field is shown there), sends a test and sees it delivered', async () => {
    const page = await signIn(browser, url, adminKey, '/alerts');
    const fileRule = page.getByTestId('alert-rule-customers-failing');
    await fileRule.waitFor();
    expect(await fileRule.textContent()).toContain('Config file');
    expect(await fileRule.getByTestId('alert-rule-edit').isDisabled()).toBe(true);

    await page.getByTestId('alert-rule-new').click();
    await page.getByTestId('alert-rule-name').locator('input').fill('many-failed');
    await page.getByTestId('alert-rule-when').click();
    await page.getByText('A job has more than N records failed').click();
    await page.getByTestId('alert-rule-threshold').locator('input').fill('-1');
    await page.getByTestId('alert-rule-channel-hook').click();
    await page.getByTestId('alert-rule-submit').click();
    await expect.poll(() => page.getByTestId('alert-rule-form').textContent()).toContain('0 or more (got -1)');
    expect(await page.getByTestId('alert-rule-many-failed').count()).toBe(0);

    await page.getByTestId('alert-rule-threshold').locator('input').fill('5');
    await page.getByTestId('alert-rule-submit').click();
    const created = page.getByTestId('alert-rule-many-failed');
    await created.waitFor();
    expect(await created.textContent()).toContain('N = 5');

    await created.getByTestId('alert-rule-test').click();
    await waitFor('the test webhook', async () => received.some((request) => request.body.includes('"alert.test"')));
    const log = page.getByTestId('alert-delivery').filter({ hasText: 'many-failed' }).first();
    await expect
      .poll(() => log.getByTestId('alert-delivery-status').textContent(), { timeout: 15_000 })
      .toContain('Delivered');
  });

  it('a failing job makes the file’s rule fire, on the Alerts page and on the dashboard, live', async () => {
    const page = await signIn(browser, url, adminKey, '/');
    await page.getByTestId('firing-alerts').waitFor();
    expect(await page.getByTestId('firing-alert').count()).toBe(0);

    // The CRM loses its table: the next job of customers fails.
    const crm = new Database(join(folder, 'crm.sqlite'));
    crm.exec('pragma busy_timeout = 20000');
    crm.exec('drop table account');
    crm.close();
    const { tableMappings } = await graphqlRequest<{ tableMappings: Array<{ id: string; name: string }> }>(
      { url },
      adminKey,
      '{ tableMappings { id name } }',
    );
    await graphqlRequest({ url }, adminKey, 'mutation($id: ID!) { runSync(mappingId: $id) { __typename } }', {
      id: tableMappings[0]!.id,
    });

    const firing = page.getByTestId('firing-alert').first();
    await firing.waitFor({ timeout: 20_000 });
    expect(await firing.textContent()).toContain('customers-failing');
    expect(await firing.textContent()).toContain('customers');
    await waitFor('the firing webhook', async () =>
      received.some((request) => request.body.includes('"alert.firing"')),
    );

    await page.goto(`${url}/alerts`);
    const row = page.getByTestId('alert-rule-customers-failing');
    await expect.poll(() => row.getByTestId('alert-rule-state').textContent()).toContain('Firing: customers');
  });

  it('a viewer sees rules, states and deliveries but no button', async () => {
    const created = await graphqlRequest<{ createApiKey: { key: string } }>(
      { url },
      adminKey,
      'mutation { createApiKey(name: "alerts-viewer", role: VIEWER) { ... on CreateApiKeyPayload { key } } }',
    );
    const page = await signIn(browser, url, created.createApiKey.key, '/alerts');
    await page.getByTestId('alert-rule-customers-failing').waitFor();
    await page.getByTestId('alert-deliveries').waitFor();
    expect(await page.getByTestId('alert-rule-new').count()).toBe(0);
    expect(await page.getByTestId('alert-rule-test').count()).toBe(0);
    expect(await page.getByTestId('alert-delivery-resend').count()).toBe(0);
  });
});

/** `tandem start --config` as a user runs it, on a free port; resolves with its URL and first admin key. */
async function startTandem(
  folder: string,
  config: string,
): Promise<{ child: ChildProcess; url: string; adminKey: string }> {
  const tsx = pathToFileURL(createRequire(join(API_DIR, 'package.json')).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(API_DIR, 'src/cli.ts'), 'start', '--config', config], {
    cwd: folder,
    env: { ...process.env, TANDEM_ADMIN_DIR: ADMIN_DIST, PORT: '0', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tandem start did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const key = /Admin API key: (\S+)/.exec(output)?.[1];
      const api = /GraphQL API: (\S+)\/graphql/.exec(output)?.[1];
      if (key && api) {
        clearTimeout(timer);
        resolve({ child, url: api, adminKey: key });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tandem start exited with ${code}:\n${output}`));
    });
  });
}
