import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { type SyncJobSnapshot, TableMappingSchema } from '@tandem/sync-core';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import type { ApiServices } from '../src/context.js';
import { DemoActivitySimulator } from '../src/demo/activity-simulator.js';
import { CrmUser } from '../src/demo/crm-user.js';
import { DEMO_COMPANIES } from '../src/demo/demo-apps.js';
import { DEMO_MATCHED_ACCOUNTS, DEMO_PROSPECT_ACCOUNTS } from '../src/demo/demo-dataverse.js';
import { type RunningDemo, startDemo } from '../src/demo/start-demo.js';
import { bridgeEvents } from '../src/pubsub.js';
import { startRuntime, type TandemRuntime } from '../src/runtime/tandem-runtime.js';
import { type ApiYoga, createApi } from '../src/yoga.js';
import { tandem } from './cli-process.js';
import { startTandem } from './tandem-start.js';

/**
 * The demo's fourth mapping, `companies`: the ERP's `company` table (SQLite) ↔ the Dataverse emulator's
 * `accounts`, which the demo runs in-process on a free port and reaches over real HTTP. Jobs run through
 * GraphQL's runSync; a CRM person works in the emulator through its Web API (crm-user.ts).
 */

interface Company {
  id: number;
  name: string;
  email: string | null;
  city: string | null;
  phone: string | null;
  employees: number | null;
  modified_at: string;
}

type Account = Record<string, unknown>;

/** A port that refuses connections: what a closed server leaves behind. */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe("the demo's Dataverse mapping (companies ↔ the emulator's accounts)", () => {
  let dataDir: string;
  let demo: RunningDemo;
  let runtime: TandemRuntime;
  let yoga: ApiYoga;
  let detach: () => void;
  let operatorKey: string;
  let companiesId: number;
  let person: CrmUser;
  let erp: InstanceType<typeof Database>;

  async function start(): Promise<void> {
    demo = await startDemo(dataDir);
    runtime = await startRuntime(demo.config, { schedules: false });
    const bridged = bridgeEvents(runtime.events);
    detach = bridged.detach;
    const services: ApiServices = {
      store: runtime.store,
      queue: runtime.queue,
      connectors: runtime.connectors,
      events: runtime.events,
      pubsub: bridged.pubsub,
    };
    yoga = createApi(services);
    const mapping = await runtime.store.em().findOneOrFail(TableMappingSchema, { name: 'companies' });
    companiesId = mapping.id;
    person = new CrmUser(demo.dataverse.person);
  }

  async function stop(): Promise<void> {
    detach();
    await runtime.close();
    await demo.close();
  }

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data!;
  }

  /** `runSync` through GraphQL, then the job's final snapshot as the runtime publishes it. */
  async function runSync(): Promise<SyncJobSnapshot> {
    const finished = new Promise<SyncJobSnapshot>((resolve) => {
      const unsubscribe = runtime.events.subscribe((event) => {
        if (event.type !== 'syncJobChanged' || event.job.mappingId !== companiesId) return;
        if (!['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(event.job.status)) return;
        unsubscribe();
        resolve(event.job);
      });
    });
    const data = await gql<{ runSync: { __typename: string; job?: { mapping: { name: string } } } }>(
      'mutation($m: ID!) { runSync(mappingId: $m) { __typename ... on RunSyncPayload { job { mapping { name } } } } }',
      { m: encodeGlobalID('TableMapping', companiesId) },
    );
    expect(data.runSync).toEqual({ __typename: 'RunSyncPayload', job: { mapping: { name: 'companies' } } });
    return finished;
  }

  const companies = (): Company[] =>
    (erp.prepare('select * from company order by id').all() as Company[]).map(({ ...row }) => {
      const { _metadata: _, ...values } = row as Company & { _metadata?: unknown };
      return values as Company;
    });
  const accounts = (): Account[] => demo.dataverse.emulator.rows('accounts');

  /** The mapping's open errors, of one kind or (without one) of every kind. */
  async function openErrors(kind?: string): Promise<{ message: string; coupling: { localId: string } | null }[]> {
    const data = await gql<{
      syncErrors: { edges: { node: { message: string; coupling: { localId: string } | null } }[] };
    }>(
      `query($m: ID!, $k: [SyncErrorKind!]) { syncErrors(filter: { mappingId: $m, kinds: $k, statuses: [OPEN] }, first: 100) {
        edges { node { message coupling { localId } } } } }`,
      { m: encodeGlobalID('TableMapping', companiesId), k: kind ? [kind] : null },
    );
    return data.syncErrors.edges.map((edge) => edge.node);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-demo-dataverse-'));
    await start();
    operatorKey = (await createApiKey(runtime.store.em(), 'test-operator', 'OPERATOR')).key;
    erp = new Database(join(dataDir, 'demo', 'erp.sqlite'));
    erp.exec('pragma busy_timeout = 5000');
  });

  afterAll(async () => {
    erp?.close();
    await stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with the companies mapping on a dataverse connector that points at the emulator', async () => {
    const { emulator } = demo.dataverse;
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.config.connectors.dataverse).toMatchObject({
      type: 'dataverse',
      url: emulator.url,
      auth: { tokenUrl: emulator.tokenUrl, clientId: emulator.client.clientId },
    });
    const data = await gql<{ tableMappings: { name: string; direction: string }[] }>(
      '{ tableMappings { name direction } }',
    );
    expect(data.tableMappings.map((m) => m.name).sort()).toEqual(['companies', 'contacts', 'customers', 'items']);
    const mapping = demo.config.mappings.find((m) => m.name === 'companies')!;
    expect(mapping.integration).toMatchObject({ connector: 'dataverse', table: 'accounts', externalKey: 'erp_id' });
    // Seeded: the ERP's companies (one with a name too long for Dataverse), the CRM's accounts through the Web API.
    expect(companies()).toHaveLength(DEMO_COMPANIES + 1);
    expect(accounts()).toHaveLength(DEMO_MATCHED_ACCOUNTS + DEMO_PROSPECT_ACCOUNTS);
    expect(accounts().every((a) => a.erp_id === null)).toBe(true);
  });

  it("the first job couples by e-mail, creates the ERP's companies in Dataverse with erp_id and the CRM's accounts in the ERP", async () => {
    const before = demo.dataverse.emulator.stats();
    const job = await runSync();
    // The company whose name is longer than Dataverse's 160 characters is refused; the rest lands.
    expect(job.status).toBe('PARTIAL');
    expect(job.failed).toBe(1);
    expect(job.coupled).toBeGreaterThanOrEqual(DEMO_MATCHED_ACCOUNTS);
    expect(job.inserted).toBe(DEMO_COMPANIES - DEMO_MATCHED_ACCOUNTS + DEMO_PROSPECT_ACCOUNTS);

    const byErpId = new Map(accounts().map((a) => [a.erp_id, a]));
    for (const company of companies().filter((c) => c.id > DEMO_MATCHED_ACCOUNTS && c.id <= DEMO_COMPANIES)) {
      const account = byErpId.get(String(company.id));
      expect(account, `company ${company.id}`).toMatchObject({
        name: company.name,
        emailaddress1: company.email,
        address1_city: company.city,
        telephone1: company.phone,
        numberofemployees: company.employees,
      });
    }
    const prospects = companies().filter((c) => c.email?.endsWith('.example') && c.email.startsWith('hello'));
    expect(prospects).toHaveLength(DEMO_PROSPECT_ACCOUNTS);
    expect(prospects.find((c) => c.email === 'hello7@prospect7.example')).toMatchObject({
      name: 'Prospect 7',
      phone: '+46 8 100007',
    });
    // The matched pairs agree field by field now; nothing was duplicated on either side.
    const emails = (rows: { email?: unknown; emailaddress1?: unknown }[]) =>
      rows.map((r) => String(r.email ?? r.emailaddress1).toLowerCase());
    expect(new Set(emails(accounts())).size).toBe(accounts().length);
    expect(new Set(emails(companies())).size).toBe(companies().length);
    expect(accounts()).toHaveLength(DEMO_COMPANIES + DEMO_PROSPECT_ACCOUNTS);
    expect(companies()).toHaveLength(DEMO_COMPANIES + 1 + DEMO_PROSPECT_ACCOUNTS);

    // Dataverse's own refusal, with its code, is the error to triage.
    const refused = await openErrors('WRITE_FAILED');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toMatch(/name|160|length/i);
    // Over HTTP, in $batch requests.
    const after = demo.dataverse.emulator.stats();
    expect(after.batchOperations - before.batchOperations).toBeGreaterThanOrEqual(
      DEMO_COMPANIES - DEMO_MATCHED_ACCOUNTS,
    );
  });

  it('an edit made through the Web API reaches the ERP in the next job; untouched records stay untouched', async () => {
    const target = accounts().find((a) => a.erp_id === '150')!;
    await person.update('accounts', String(target.accountid), { telephone1: '+47 915 55 555', address1_city: 'Bodø' });
    const erpBefore = companies();
    const crmBefore = accounts();

    const job = await runSync();
    expect(job.modified).toBe(1);
    expect(job.inserted).toBe(0);

    const erpAfter = companies();
    expect(erpAfter.find((c) => c.id === 150)).toMatchObject({ phone: '+47 915 55 555', city: 'Bodø' });
    expect(erpAfter.filter((c) => c.id !== 150)).toEqual(erpBefore.filter((c) => c.id !== 150));
    // Nothing written back to the CRM: every account keeps its row version (its ETag).
    expect(accounts().map((a) => [a.accountid, a.versionnumber])).toEqual(
      crmBefore.map((a) => [a.accountid, a.versionnumber]),
    );
  });

  it('a coupled account deleted through the Web API shows up as a deletion to triage, and the ERP keeps its company', async () => {
    const target = accounts().find((a) => a.erp_id === '160')!;
    await person.remove('accounts', String(target.accountid));
    const job = await runSync();
    expect(job.failed).toBeGreaterThanOrEqual(1);
    const deletions = await openErrors('INTEGRATION_RECORD_DELETED');
    expect(deletions.map((e) => e.coupling?.localId)).toEqual(['160']);
    expect(companies().find((c) => c.id === 160)).toBeDefined();
    expect(accounts().find((a) => a.erp_id === '160')).toBeUndefined();
  });

  it("the activity simulator works in the emulator's accounts over HTTP; the jobs take it in", async () => {
    const before = accounts();
    const requests = demo.dataverse.emulator.stats().requests;
    const simulator = new DemoActivitySimulator(dataDir, 60_000, () => 0.37, demo.dataverse.person);
    for (let round = 0; round < 5; round++) await simulator.stepDataverse();
    await simulator.stop();
    expect(demo.dataverse.emulator.stats().requests - requests).toBeGreaterThanOrEqual(5 * 3);
    const after = accounts();
    // Round 4 created an account, round 5 deleted a coupled one; the rest were edits.
    expect(after.filter((a) => !before.some((b) => b.accountid === a.accountid))).toHaveLength(1);
    expect(before.filter((b) => !after.some((a) => a.accountid === b.accountid))).toHaveLength(1);
    expect(
      after.filter((a) => before.some((b) => b.accountid === a.accountid && b.versionnumber !== a.versionnumber))
        .length,
    ).toBeGreaterThanOrEqual(1);

    const job = await runSync();
    expect(['SUCCEEDED', 'PARTIAL']).toContain(job.status);
    expect(job.inserted).toBeGreaterThanOrEqual(1);
    expect(await openErrors('INTEGRATION_RECORD_DELETED')).toHaveLength(2);
  });

  it('a restart on a new port goes on from the stored checkpoint; closing the demo closes its port', async () => {
    const oldPort = Number(new URL(demo.dataverse.emulator.url).port);
    await stop();
    expect(await refuses(oldPort)).toBe(true);

    await start();
    expect(demo.dataverse.emulator.url).not.toBe(`http://127.0.0.1:${oldPort}`);
    // The simulator above picks its accounts at random (the emulator lists them in GUID order): edit one
    // that is still coupled and has no open error, so that only the checkpoint decides what the job sees.
    const troubled = new Set((await openErrors()).map((e) => e.coupling?.localId));
    const target = accounts().find((a) => typeof a.erp_id === 'string' && !troubled.has(a.erp_id))!;
    const companyId = Number(target.erp_id);
    await person.update('accounts', String(target.accountid), { telephone1: '+47 900 00 170' });
    const erpBefore = companies();
    const job = await runSync();
    expect(job.status).not.toBe('FAILED');
    expect(job.modified).toBe(1);
    expect(job.inserted).toBe(0);
    expect(companies().find((c) => c.id === companyId)?.phone).toBe('+47 900 00 170');
    expect(companies().filter((c) => c.id !== companyId)).toEqual(erpBefore.filter((c) => c.id !== companyId));
  });
});

describe('tandem with the demo', () => {
  it('sync run companies runs the emulator for the command; a second run, on another port, has nothing left to do', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tandem-demo-cli-'));
    try {
      const first = await tandem(folder, ['sync', 'run', 'companies']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(
        new RegExp(
          `PARTIAL inserted=${DEMO_COMPANIES - DEMO_MATCHED_ACCOUNTS + DEMO_PROSPECT_ACCOUNTS} .*failed=1 coupled=${DEMO_MATCHED_ACCOUNTS}`,
        ),
      );
      // The refused company is tried once more, as rule 6 says; nothing else is left to write.
      const second = await tandem(folder, ['sync', 'run', 'companies']);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/inserted=0 modified=0 .*failed=1 coupled=0/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('prints the Dataverse emulator URL, which answers, and SIGTERM closes its port', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tandem-demo-start-'));
    const tandem = await startTandem([], { cwd: folder, env: { TANDEM_DATA_DIR: join(folder, 'data') } });
    try {
      const line = tandem.stdout.find((l) => l.startsWith('Dataverse emulator'));
      const url = /(http:\/\/127\.0\.0\.1:\d+)$/.exec(line ?? '')?.[1];
      expect(url, tandem.stdout.join('\n')).toBeDefined();
      const answer = await fetch(`${url}/api/data/v9.2/WhoAmI`);
      // It is there and asks for a token, as Dataverse does.
      expect(answer.status).toBe(401);
      expect(await tandem.stop()).toBe(0);
      expect(await refuses(Number(new URL(url!).port))).toBe(true);
    } finally {
      await tandem.kill();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
