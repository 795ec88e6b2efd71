import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlConnector } from '@tandem/sync-core';
import { tandem } from '../cli-process.js';
import { startTandem, type TandemStart } from '../tandem-start.js';

/**
 * Tandem as a deployment of several processes for tests: a PostgreSQL store and apps (databases of
 * their own on the test server), Redis with a prefix of its own, and `tandem start --role …` processes
 * started and killed at will. Everything is real: the processes are the CLI a user runs.
 */
export const PG_SERVER_URL = process.env.TANDEM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Role = 'api' | 'worker' | 'all';

/** One process of the deployment: a `tandem start --role ROLE`. */
export type TandemProcess = TandemStart & { role: Role };

export interface ClusterOptions {
  /** Customers in the ERP, all new to the CRM: the first job's size. */
  customers: number;
  /** How many mappings of the same shape (`customers_1` …), each on its own pair of tables. */
  mappings?: number;
  scheduleSeconds?: number;
  /** The mapping lease's lifetime: how soon a dead worker's job is found interrupted. */
  leaseSeconds?: number;
  /** Jobs each process runs at once (`jobs.concurrency`). */
  jobConcurrency?: number;
  redisUrl?: string;
  /** The config's `alerts` section, as written (tests of alerts across processes). */
  alerts?: Record<string, unknown>;
  /**
   * A Dataverse environment (the emulator) to be the CRM instead of PostgreSQL tables: it must have the
   * entity sets `account_1` … `account_N` (accountid, name, emailaddress1, address1_city, erp_id as an
   * alternate key). The cluster then creates no `account_N` tables.
   */
  dataverseCrm?: { url: string; tokenUrl: string; clientId: string; clientSecret: string; batchSize?: number };
}

export class Cluster {
  readonly dir: string;
  readonly prefix = `t${randomUUID().slice(0, 8)}`;
  readonly storeDb = `tandem_store_${this.prefix}`;
  readonly appsDb = `tandem_apps_${this.prefix}`;
  readonly processes: TandemProcess[] = [];
  adminKey = '';
  private constructor(
    readonly options: Required<Omit<ClusterOptions, 'redisUrl' | 'alerts' | 'dataverseCrm'>> &
      Pick<ClusterOptions, 'alerts' | 'dataverseCrm'> & { redisUrl: string },
    readonly configPath: string,
  ) {
    this.dir = join(configPath, '..');
  }

  static async create(options: ClusterOptions): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cluster-'));
    const full = {
      mappings: 1,
      scheduleSeconds: 0,
      leaseSeconds: 30,
      jobConcurrency: 2,
      redisUrl: REDIS_URL,
      ...options,
    };
    const cluster = new Cluster(full, join(dir, 'tandem.config.json'));
    await pgRun(`${PG_SERVER_URL}/postgres`, `create database "${cluster.storeDb}"`);
    await pgRun(`${PG_SERVER_URL}/postgres`, `create database "${cluster.appsDb}"`);
    await cluster.seedApps();
    cluster.writeConfig();
    const created = await tandem(dir, [
      'keys',
      'create',
      '--role',
      'ADMIN',
      '--name',
      'cluster-test',
      '--config',
      cluster.configPath,
    ]);
    cluster.adminKey = /API key: (\S+)/.exec(created.stdout)?.[1] ?? '';
    if (!cluster.adminKey) throw new Error(`no key: ${created.stdout}${created.stderr}`);
    return cluster;
  }

  get appsUrl(): string {
    return `${PG_SERVER_URL}/${this.appsDb}`;
  }

  mappingName(index: number): string {
    return `customers_${index + 1}`;
  }

  /** Runs SQL on the apps' database (for seeding and for checking what the apps hold). */
  apps<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return pgQuery<T>(this.appsUrl, sql, params);
  }

  store<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return pgQuery<T>(`${PG_SERVER_URL}/${this.storeDb}`, sql, params);
  }

  private async seedApps(): Promise<void> {
    for (let m = 1; m <= this.options.mappings; m++) {
      await pgRun(
        this.appsUrl,
        `create table customer_${m} (id bigserial primary key, name text not null, email text, city text,
           modified_at timestamptz not null default now())`,
      );
      if (!this.options.dataverseCrm) {
        await pgRun(
          this.appsUrl,
          `create table account_${m} (accountid uuid primary key default gen_random_uuid(), name text,
             emailaddress1 text, address1_city text, erp_id text unique, modifiedon timestamptz not null default now())`,
        );
      }
      await pgRun(
        this.appsUrl,
        `insert into customer_${m} (name, email, city, modified_at)
           select 'Customer ' || i, 'c' || i || '@example.com', 'Oslo', now() - interval '1 minute'
           from generate_series(1, ${this.options.customers}) as i`,
      );
    }
  }

  private writeConfig(): void {
    const dataverse = this.options.dataverseCrm;
    const crm = dataverse
      ? {
          type: 'dataverse',
          url: dataverse.url,
          auth: {
            tokenUrl: dataverse.tokenUrl,
            clientId: dataverse.clientId,
            clientSecret: dataverse.clientSecret,
            scope: `${dataverse.url}/.default`,
          },
          ...(dataverse.batchSize ? { batchSize: dataverse.batchSize } : {}),
        }
      : { type: 'sql', url: this.appsUrl };
    const connectors = { erp: { type: 'sql', url: this.appsUrl }, crm };
    const mappings = Array.from({ length: this.options.mappings }, (_, index) => ({
      name: this.mappingName(index),
      local: { connector: 'erp', table: `customer_${index + 1}`, id: 'id', modifiedOn: 'modified_at' },
      integration: {
        connector: 'crm',
        table: `account_${index + 1}`,
        id: 'accountid',
        modifiedOn: 'modifiedon',
        externalKey: 'erp_id',
      },
      direction: 'BIDIRECTIONAL',
      scheduleSeconds: this.options.scheduleSeconds,
      fields: [
        { local: 'name', integration: 'name' },
        { local: 'email', integration: 'emailaddress1' },
        { local: 'city', integration: 'address1_city' },
      ],
    }));
    const config = {
      database: { url: `${PG_SERVER_URL}/${this.storeDb}` },
      server: { port: 0, host: '127.0.0.1' },
      queue: { redis: this.options.redisUrl, prefix: this.prefix },
      limits: { requestsPerMinutePerKey: 1_000_000, subscriptionsPerKey: 1_000 },
      jobs: { leaseSeconds: this.options.leaseSeconds, concurrency: this.options.jobConcurrency },
      connectors,
      mappings,
      ...(this.options.alerts ? { alerts: this.options.alerts } : {}),
    };
    writeFileSync(this.configPath, JSON.stringify(config));
  }

  /** Starts `tandem start --role ROLE` and resolves once it listens. */
  async start(role: Role, env: Record<string, string> = {}): Promise<TandemProcess> {
    const started = await startTandem(['--role', role, '--config', this.configPath], { cwd: this.dir, env });
    const handle = Object.assign(started, { role });
    this.processes.push(handle);
    return handle;
  }

  /** A GraphQL call to a process, as the admin. */
  async gql<T = Record<string, unknown>>(
    process: TandemProcess,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    const response = await fetch(`${process.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (body.errors || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((p) => (p.child.exitCode === null ? p.stop() : undefined)));
    await pgRun(`${PG_SERVER_URL}/postgres`, `drop database if exists "${this.storeDb}" with (force)`);
    await pgRun(`${PG_SERVER_URL}/postgres`, `drop database if exists "${this.appsDb}" with (force)`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function pgRun(url: string, sql: string): Promise<void> {
  const connector = SqlConnector.open('test', url);
  try {
    await connector.client.run(sql);
  } finally {
    await connector.close();
  }
}

async function pgQuery<T>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const connector = SqlConnector.open('test', url);
  try {
    return (await connector.client.query(sql, params)) as T[];
  } finally {
    await connector.close();
  }
}
