import { afterEach, describe, expect, it } from 'vitest';
import type { Connector, ConnectorWaitNotice } from '../../src/connectors/connector.js';
import { withTableOverrides } from '../support/connector-doubles.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/** The engine passes the waits a connector announces (onWait) to the job as notices, for its log and progress. */
describe('waits a connector makes for its app', () => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  it("reach the job's notices while it runs, and the job goes on", async () => {
    fx = await createSyncFixture('sqlite');
    await fx.crm.run('insert into account (accountid, name, emailaddress1, modifiedon) values (?, ?, ?, ?)', [
      'a1',
      'Ada',
      'ada@example.com',
      fx.stamp('crm'),
    ]);
    const listeners: Array<(wait: ConnectorWaitNotice) => void> = [];
    const waiting = withTableOverrides(new Map([['crm', fx.connectors.get('crm')!]]), {
      onWait: (_table, listener) => {
        listeners.push(listener);
        return () => {};
      },
      readChanges: async (table, after, limit, fields) => {
        // The app asked to wait before answering: the connector waited (here: not at all) and says so.
        for (const listener of listeners)
          listener({ message: 'the CRM asked to wait 1 s (429)', waitMs: 1000, totalWaitMs: 1000 });
        return table.readChanges(after, limit, fields);
      },
    });
    const connectors = new Map<string, Connector>([
      ['erp', fx.connectors.get('erp')!],
      ['crm', waiting.get('crm')!],
    ]);
    const { notices, ...outcome } = await fx.sync({ connectors });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.counters.inserted).toBe(1);
    expect(notices.length).toBeGreaterThan(0);
    expect(new Set(notices)).toEqual(new Set(['the CRM asked to wait 1 s (429)']));
  });
});
