import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError } from '@tandem/sync-core';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config/load-config.js';

const valid = {
  database: { url: 'sqlite:./data/tandem.sqlite' },
  connectors: {
    erp: { type: 'sql', url: 'sqlite:./erp.sqlite' },
    crm: { type: 'sql', url: 'postgres://postgres@127.0.0.1:5432/crm' },
  },
  mappings: [
    {
      name: 'customers',
      local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
      integration: {
        connector: 'crm',
        table: 'account',
        id: 'accountid',
        modifiedOn: 'modifiedon',
        externalKey: 'erp_id',
      },
      fields: [
        { local: 'name', integration: 'name' },
        { local: 'email', integration: 'emailaddress1', match: true },
      ],
    },
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: tests break the config in ways its type forbids
function clone(): any {
  return structuredClone(valid);
}

function errorOf(run: () => unknown): InvalidConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error('expected an InvalidConfigError');
}

describe('config validation', () => {
  it('accepts the documented example and fills in defaults', () => {
    const config = parseConfig(clone(), {});
    expect(config.server.port).toBe(4000);
    expect(config.retention.days).toBe(30);
    expect(config.mappings[0]).toMatchObject({
      direction: 'BIDIRECTIONAL',
      updateConflictResolution: 'NONE',
      scheduleSeconds: 0,
    });
  });

  it('names the path of an unknown key', () => {
    const config = clone();
    config.mappings[0].fields[1].matchh = true;
    expect(errorOf(() => parseConfig(config, {})).message).toBe('mappings[0].fields[1].matchh: is not a known setting');
  });

  it('names the path of a wrong type and of a wrong enum value', () => {
    const port = clone();
    port.server = { port: 'eighty' };
    expect(errorOf(() => parseConfig(port, {})).path).toBe('server.port');
    const direction = clone();
    direction.mappings[0].direction = 'SIDEWAYS';
    const error = errorOf(() => parseConfig(direction, {}));
    expect(error.path).toBe('mappings[0].direction');
    expect(error.message).toContain('BIDIRECTIONAL');
  });

  it('refuses a connector a mapping names but the config does not define', () => {
    const config = clone();
    config.mappings[0].integration.connector = 'crmm';
    expect(errorOf(() => parseConfig(config, {})).message).toBe(
      'mappings[0].integration.connector: "crmm" is not one of the connectors (erp, crm)',
    );
  });

  it('refuses a field direction the mapping cannot take, naming mapping and field', () => {
    const config = clone();
    config.mappings[0].direction = 'TO_INTEGRATION';
    config.mappings[0].fields[0].direction = 'FROM_INTEGRATION';
    expect(errorOf(() => parseConfig(config, {})).message).toBe(
      'mappings[0]: mapping "customers", field "name ↔ name": direction FROM_INTEGRATION is not possible in a TO_INTEGRATION mapping',
    );
  });

  it('refuses a URL of an unknown kind, naming the connector', () => {
    const config = clone();
    config.connectors.erp.url = 'mysql://localhost/erp';
    expect(errorOf(() => parseConfig(config, {})).path).toBe('connectors.erp.url');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the test is about ${VAR} in config text
  it('replaces ${VAR} from the environment and names a missing variable with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-config-'));
    const file = join(dir, 'tandem.config.yaml');
    writeFileSync(
      file,
      `connectors:\n  erp: { type: sql, url: "sqlite:./erp.sqlite" }\n  crm: { type: sql, url: "\${CRM_DATABASE_URL}" }\n`,
    );
    expect(loadConfig(file, { CRM_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm' }).connectors.crm!.url).toBe(
      'postgres://postgres@127.0.0.1:5432/crm',
    );
    expect(errorOf(() => loadConfig(file, {})).message).toBe(
      'connectors.crm.url: environment variable CRM_DATABASE_URL is not set',
    );
  });

  it('lets PORT and TANDEM_DATABASE_URL override the file', () => {
    const config = parseConfig(clone(), {
      PORT: '4100',
      TANDEM_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tandem',
    });
    expect(config.server.port).toBe(4100);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/tandem');
    expect(errorOf(() => parseConfig(clone(), { PORT: 'x' })).path).toBe('PORT');
  });

  it('takes how many jobs a process runs at once and how long an action waits for a job, and names a wrong value by its path', () => {
    expect(parseConfig(clone(), {}).jobs.concurrency).toBe(2);
    expect(parseConfig({ ...clone(), jobs: { concurrency: 8 } }, {}).jobs).toEqual({
      leaseSeconds: 30,
      concurrency: 8,
      actionWaitSeconds: 5,
    });
    expect(errorOf(() => parseConfig({ ...clone(), jobs: { actionWaitSeconds: -1 } }, {})).path).toBe(
      'jobs.actionWaitSeconds',
    );
    expect(errorOf(() => parseConfig({ ...clone(), jobs: { concurrency: 0 } }, {})).path).toBe('jobs.concurrency');
  });

  it('takes a Redis queue from the file or TANDEM_REDIS_URL, and names a bad URL or prefix by its path', () => {
    expect(parseConfig(clone(), {}).queue).toBeUndefined();
    const inFile = { ...clone(), queue: { redis: 'redis://127.0.0.1:6379' } };
    expect(parseConfig(inFile, {}).queue).toEqual({ redis: 'redis://127.0.0.1:6379', prefix: 'tandem' });
    const fromEnv = parseConfig(
      { ...clone(), queue: { redis: 'redis://a:6379', prefix: 'eu' } },
      {
        TANDEM_REDIS_URL: 'redis://b:6379/2',
      },
    );
    expect(fromEnv.queue).toEqual({ redis: 'redis://b:6379/2', prefix: 'eu' });
    expect(errorOf(() => parseConfig({ ...clone(), queue: { redis: 'localhost:6379' } }, {})).path).toBe('queue.redis');
    expect(errorOf(() => parseConfig({ ...clone(), queue: { redis: 'redis://x', prefix: 'a b' } }, {})).path).toBe(
      'queue.prefix',
    );
    expect(errorOf(() => parseConfig(clone(), { TANDEM_REDIS_URL: 'http://x' })).path).toBe('TANDEM_REDIS_URL');
  });

  it('takes metrics.token and logging.level (TANDEM_LOG_LEVEL overrides), and names a short token or a bad level', () => {
    const defaults = parseConfig(clone(), {});
    expect(defaults.metrics).toBeUndefined();
    expect(defaults.logging).toEqual({ level: 'info' });
    const set = parseConfig({ ...clone(), metrics: { token: 'a'.repeat(32) }, logging: { level: 'debug' } }, {});
    expect(set.metrics).toEqual({ token: 'a'.repeat(32) });
    expect(set.logging.level).toBe('debug');
    expect(parseConfig({ ...clone(), logging: { level: 'debug' } }, { TANDEM_LOG_LEVEL: 'warn' }).logging.level).toBe(
      'warn',
    );
    // An unset variable substituted as '' must not open /metrics to an empty bearer.
    expect(errorOf(() => parseConfig({ ...clone(), metrics: { token: '' } }, {})).path).toBe('metrics.token');
    expect(errorOf(() => parseConfig({ ...clone(), metrics: { tokn: 'a'.repeat(32) } }, {})).path).toBe('metrics.tokn');
    expect(errorOf(() => parseConfig({ ...clone(), logging: { level: 'loud' } }, {})).path).toBe('logging.level');
    expect(errorOf(() => parseConfig({ ...clone(), logging: { format: 'json' } }, {})).path).toBe('logging.format');
    expect(errorOf(() => parseConfig(clone(), { TANDEM_LOG_LEVEL: 'verbose' })).path).toBe('TANDEM_LOG_LEVEL');
  });

  it('names a duplicate mapping name, an unreadable file and a file that is not YAML', () => {
    const config = clone();
    config.mappings.push(structuredClone(config.mappings[0]));
    expect(errorOf(() => parseConfig(config, {})).message).toBe(
      'mappings[1].name: "customers" is used by another mapping',
    );
    const dir = mkdtempSync(join(tmpdir(), 'tandem-config-'));
    expect(errorOf(() => loadConfig(join(dir, 'missing.yaml'), {})).message).toContain(
      'cannot read the config file (ENOENT)',
    );
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'connectors: {\n  erp: [\n');
    expect(errorOf(() => loadConfig(broken, {})).message).toMatch(/broken\.yaml: is not valid YAML/);
  });

  it('refuses a negative schedule and an empty field list, naming the key', () => {
    const schedule = clone();
    schedule.mappings[0].scheduleSeconds = -5;
    expect(errorOf(() => parseConfig(schedule, {})).path).toBe('mappings[0].scheduleSeconds');
    const fields = clone();
    fields.mappings[0].fields = [];
    expect(errorOf(() => parseConfig(fields, {})).path).toBe('mappings[0].fields');
  });

  it('accepts structured filters per side, and the raw SQL filter (this file only)', () => {
    const config = clone();
    config.mappings[0].filters = {
      local: [
        { field: 'blocked', operator: 'EQ', value: false },
        { field: 'country', operator: 'IN', values: ['NO', 'SE', null] },
      ],
      integration: [{ field: 'statecode', operator: 'NOT_NULL' }],
    };
    config.mappings[0].local.filter = 'credit > 0';
    const [mapping] = parseConfig(config, {}).mappings;
    expect(mapping?.filters?.local).toEqual([
      { field: 'blocked', operator: 'EQ', value: false },
      { field: 'country', operator: 'IN', values: ['NO', 'SE', null] },
    ]);
    expect(mapping?.local.filter).toBe('credit > 0');
  });

  it('names the path of a bad filter operator, a wrong operand and an unknown key in a condition', () => {
    const operator = clone();
    operator.mappings[0].filters = {
      local: [
        { field: 'name', operator: 'EQ', value: 'x' },
        { field: 'blocked', operator: 'EQUALS', value: false },
      ],
    };
    const error = errorOf(() => parseConfig(operator, {}));
    expect(error.path).toBe('mappings[0].filters.local[1].operator');
    expect(error.message).toContain('IS_NULL');

    const operand = clone();
    operand.mappings[0].filters = { integration: [{ field: 'name', operator: 'IN', value: 'x' }] };
    expect(errorOf(() => parseConfig(operand, {})).message).toBe(
      'mappings[0].filters.integration[0].value: IN takes values, not value',
    );

    const sql = clone();
    sql.mappings[0].filters = { local: [{ field: 'name', operator: 'EQ', value: 'x', sql: '1=1) --' }] };
    expect(errorOf(() => parseConfig(sql, {})).message).toBe(
      'mappings[0].filters.local[0].sql: is not a known setting',
    );
    const side = clone();
    side.mappings[0].filters = { locale: [] };
    expect(errorOf(() => parseConfig(side, {})).path).toBe('mappings[0].filters.locale');
  });
});
