import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';

const SECRET = `whsec_${Buffer.from('config-test-secret-of-thirty-two').toString('base64')}`;

/** A valid config with `alerts` replaced: the rest never changes between cases. */
function withAlerts(alerts: unknown) {
  return {
    database: { url: 'sqlite::memory:' },
    connectors: { erp: { type: 'sql', url: 'sqlite:./erp.sqlite' }, crm: { type: 'sql', url: 'sqlite:./crm.sqlite' } },
    mappings: [
      {
        name: 'customers',
        local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at' },
        integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon' },
        fields: [{ local: 'name', integration: 'name' }],
      },
    ],
    alerts,
  };
}

const channels = {
  hook: { type: 'webhook', url: 'https://ops.example.com/tandem', secret: SECRET },
  chat: { type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' },
  mail: { type: 'email', smtp: 'smtp://mail:25', from: 'tandem@example.com', to: ['ops@example.com'] },
};

function problem(alerts: unknown): string {
  try {
    parseConfig(withAlerts(alerts));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('the alerts section of the config', () => {
  it('takes channels, rules and delivery settings, with defaults', () => {
    const config = parseConfig(
      withAlerts({
        channels,
        rules: [
          { name: 'customers-failing', mapping: 'customers', when: 'JOB_FAILED', channels: ['hook', 'mail'] },
          {
            name: 'conflicts',
            when: 'OPEN_ERRORS_OVER',
            kinds: ['UPDATE_CONFLICT'],
            threshold: 100,
            channels: ['chat'],
          },
          { name: 'stalled', when: 'NO_SUCCESS_FOR', minutes: 60, channels: ['hook'] },
        ],
      }),
    );
    expect(config.alerts.rules).toHaveLength(3);
    expect(config.alerts.delivery).toEqual({
      timeoutSeconds: 10,
      retryInitialSeconds: 10,
      retryMaxSeconds: 3600,
      retryWindowHours: 24,
      pollSeconds: 1,
      checkSeconds: 60,
    });
    expect(parseConfig(withAlerts(undefined)).alerts).toEqual({
      channels: {},
      rules: [],
      delivery: config.alerts.delivery,
    });
  });

  it('names the rule and the field of a bad rule', () => {
    expect(
      problem({ channels, rules: [{ name: 'x', mapping: 'custmers', when: 'JOB_FAILED', channels: ['hook'] }] }),
    ).toBe('alerts.rules[0].mapping: no mapping is named "custmers" (rule "x")');
    expect(
      problem({
        channels,
        rules: [
          { name: 'ok', when: 'JOB_FAILED', channels: ['hook'] },
          { name: 'neg', when: 'RECORDS_FAILED_OVER', threshold: -2, channels: ['hook'] },
        ],
      }),
    ).toBe('alerts.rules[1].threshold: must be a whole number, 0 or more (got -2) (rule "neg")');
    expect(problem({ channels, rules: [{ name: 'p', when: 'JOB_FAILED', channels: ['pager'] }] })).toBe(
      'alerts.rules[0].channels[0]: no channel is named "pager" (channels: hook, chat, mail) (rule "p")',
    );
    expect(problem({ channels, rules: [{ name: 'w', when: 'JOB_FAILS', channels: ['hook'] }] })).toMatch(
      /^alerts\.rules\[0\]\.when: /,
    );
    expect(problem({ channels, rules: [{ name: 'k', when: 'JOB_FAILED', chanels: ['hook'] }] })).toMatch(
      /^alerts\.rules\[0\]/,
    );
  });

  it('refuses channels that could not send, naming the key', () => {
    expect(problem({ channels: { hook: { type: 'webhook', url: 'https://x', secret: 'not base64!' } } })).toMatch(
      /^alerts\.channels\.hook\.secret: must be base64/,
    );
    expect(problem({ channels: { hook: { type: 'webhook', url: 'https://x', secret: 'whsec_c2hvcnQ=' } } })).toMatch(
      /^alerts\.channels\.hook\.secret: must decode to 24–64 bytes/,
    );
    expect(problem({ channels: { chat: { type: 'slack', url: 'hooks.slack.com/x' } } })).toMatch(
      /^alerts\.channels\.chat\.url: must be an http/,
    );
    expect(problem({ channels: { mail: { type: 'email', smtp: 'mail:25', from: 'a@b.c', to: ['x@y.z'] } } })).toMatch(
      /^alerts\.channels\.mail\.smtp: must be an smtp/,
    );
    expect(problem({ channels: { mail: { ...channels.mail, to: [] } } })).toMatch(/^alerts\.channels\.mail\.to/);
    expect(problem({ channels: { pager: { type: 'pagerduty', url: 'https://x' } } })).toMatch(
      /^alerts\.channels\.pager/,
    );
  });
});
