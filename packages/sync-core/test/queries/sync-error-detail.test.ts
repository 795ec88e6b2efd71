import { afterEach, describe, expect, it } from 'vitest';
import { removeCouplings } from '../../src/actions/index.js';
import type { Connector, ConnectorRegistry } from '../../src/connectors/connector.js';
import { describeSyncError, describeSyncErrors, type SyncErrorDetail } from '../../src/queries/index.js';
import { DIALECTS } from '../support/databases.js';
import { actionContext, seedErrorOfEveryKind } from '../support/error-kinds.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const field = (detail: SyncErrorDetail | null, localField: string) =>
  detail?.fields.find((f) => f.localField === localField);

/** A connector whose app cannot be reached: every read fails, or never answers. */
function unreachable(name: string, how: 'fails' | 'hangs'): Connector {
  return {
    name,
    openTable: (spec) =>
      ({
        spec,
        getByIds: () =>
          how === 'fails' ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : new Promise(() => {}),
      }) as unknown as ReturnType<Connector['openTable']>,
    close: async () => {},
  };
}

describe.each(DIALECTS)('describeSyncError on %s', (dialect) => {
  let fx: SyncFixture;
  afterEach(async () => fx?.close());

  it('shows both records, every mapped field against the last sync, and the actions of each kind', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const ctx = { store: fx.store, connectors: fx.connectors };

    const conflict = await describeSyncError(ctx, seeded.conflict.errorId);
    expect(conflict).toMatchObject({
      kind: 'UPDATE_CONFLICT',
      status: 'OPEN',
      localId: String(seeded.conflict.localId),
      integrationId: seeded.conflict.integrationId,
      local: { name: 'Ada (ERP)', email: 'ada@example.com', city: 'Oslo' },
      integration: { name: 'Ada (CRM)', emailaddress1: 'ada@example.com', address1_city: 'Oslo' },
      applicableActions: ['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE'],
      unavailable: [],
    });
    expect(field(conflict, 'name')).toEqual({
      localField: 'name',
      integrationField: 'name',
      direction: 'BIDIRECTIONAL',
      local: 'Ada (ERP)',
      integration: 'Ada (CRM)',
      lastSyncedLocal: 'Ada',
      lastSyncedIntegration: 'Ada',
      conflicting: true,
      changedLocally: true,
      changedInIntegration: true,
    });
    expect(field(conflict, 'city')).toMatchObject({
      conflicting: false,
      changedLocally: false,
      changedInIntegration: false,
    });
    expect(conflict!.fields.map((f) => f.localField)).toEqual(['name', 'email', 'city']);

    const writeFailed = await describeSyncError(ctx, seeded.writeFailed.errorId);
    expect(writeFailed!.applicableActions).toEqual(['REMOVE_COUPLING', 'RETRY', 'SYNCHRONIZE']);
    expect(field(writeFailed, 'name')).toMatchObject({
      local: 'REJECT',
      integration: 'Bob',
      conflicting: false,
      changedLocally: true,
      changedInIntegration: false,
    });

    // The CRM account is gone: its values are null, and whether its fields changed is unknown, not "no".
    const integrationDeleted = await describeSyncError(ctx, seeded.integrationDeleted.errorId);
    expect(integrationDeleted).toMatchObject({
      integration: null,
      local: { city: 'Bergen' },
      applicableActions: ['REMOVE_COUPLING', 'RESTORE_RECORDS', 'DELETE_RECORDS'],
      unavailable: [],
    });
    expect(field(integrationDeleted, 'city')).toMatchObject({
      local: 'Bergen',
      integration: null,
      lastSyncedIntegration: 'Oslo',
      changedLocally: true,
      changedInIntegration: null,
    });

    const localDeleted = await describeSyncError(ctx, seeded.localDeleted.errorId);
    expect(localDeleted).toMatchObject({ local: null, integration: { address1_city: 'Tromsø' } });
    expect(field(localDeleted, 'city')).toMatchObject({ changedLocally: null, changedInIntegration: true });
  });

  it('offers no action once an error is resolved, and answers null for an unknown id', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    await removeCouplings(actionContext(fx), { ids: [seeded.conflict.errorId] });
    const ctx = { store: fx.store, connectors: fx.connectors };
    const resolved = await describeSyncError(ctx, seeded.conflict.errorId);
    expect(resolved).toMatchObject({ status: 'RESOLVED', applicableActions: [] });
    // The records are still shown: the person looking wants to see what was left behind.
    expect(resolved!.local).toMatchObject({ name: 'Ada (ERP)' });
    expect(await describeSyncError(ctx, 987_654)).toBeNull();
  });

  it('reports an unreachable app as unavailable instead of failing, and still shows the stored values', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    const connectors: ConnectorRegistry = new Map<string, Connector>([
      ['erp', fx.connectors.get('erp')!],
      ['crm', unreachable('crm', 'fails')],
    ]);
    const detail = await describeSyncError({ store: fx.store, connectors }, seeded.conflict.errorId);
    expect(detail).toMatchObject({ local: { name: 'Ada (ERP)' }, integration: null });
    expect(detail!.unavailable).toEqual([
      { side: 'INTEGRATION', message: expect.stringContaining('ECONNREFUSED') as unknown as string },
    ]);
    expect(field(detail, 'name')).toMatchObject({
      lastSyncedIntegration: 'Ada',
      conflicting: true,
      changedInIntegration: null,
    });

    const hanging: ConnectorRegistry = new Map([['crm', unreachable('crm', 'hangs')]]);
    const slow = await describeSyncError(
      { store: fx.store, connectors: hanging, readTimeoutMs: 50 },
      seeded.conflict.errorId,
    );
    expect(slow!.unavailable.map((u) => u.side)).toEqual(['LOCAL', 'INTEGRATION']);
    expect(slow!.unavailable[0]!.message).toContain('"erp" is not configured');
    expect(slow!.unavailable[1]!.message).toContain('did not answer within 50 ms');
  });

  it('describes a page of errors with two app reads per mapping, not two per error', async () => {
    fx = await createSyncFixture(dialect);
    const seeded = await seedErrorOfEveryKind(fx);
    let reads = 0;
    const counting: ConnectorRegistry = new Map(
      [...fx.connectors].map(([name, connector]) => [
        name,
        {
          name,
          close: async () => {},
          openTable: (spec) => {
            const table = connector.openTable(spec);
            return Object.assign(Object.create(table), {
              getByIds: (ids: readonly string[], fields: readonly string[]) => {
                reads++;
                return table.getByIds(ids, fields);
              },
            });
          },
        } satisfies Connector,
      ]),
    );
    const ids = Object.values(seeded).map((s) => s.errorId);
    const details = await describeSyncErrors({ store: fx.store, connectors: counting }, [...ids, 987_654]);
    expect([...details.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(reads).toBe(2);
  });
});
