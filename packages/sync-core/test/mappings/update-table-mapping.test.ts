import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FieldMappingSchema, TableMappingSchema } from '../../src/entities/index.js';
import { InvalidInputError, MappingDefinitionError } from '../../src/errors/index.js';
import { loadResolvedMapping } from '../../src/mappings/table-mapping.repository.js';
import { type MappingSchedules, updateTableMapping } from '../../src/mappings/update-table-mapping.js';
import { DIALECTS } from '../support/databases.js';
import { createSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

/** Records what the queue was told; the queue's own behaviour is the conformance suite's. */
class ScheduleLog implements MappingSchedules {
  readonly calls: Array<[mappingId: number, seconds: number]> = [];
  async setSchedule(mappingId: number, seconds: number): Promise<void> {
    this.calls.push([mappingId, seconds]);
  }
}

describe.each(DIALECTS)('updateTableMapping on %s', (dialect) => {
  let fx: SyncFixture;
  let queue: ScheduleLog;
  const update = (patch: Parameters<typeof updateTableMapping>[2], id = fx.mappingId) =>
    updateTableMapping(fx.store.em(), id, patch, { connectors: fx.connectors, queue });
  const storedRow = async () =>
    JSON.stringify(await fx.store.em().findOneOrFail(TableMappingSchema, { id: fx.mappingId }));

  beforeAll(async () => {
    fx = await createSyncFixture(dialect, { scheduleSeconds: 30 });
  });
  beforeEach(async () => {
    await fx.remap({ scheduleSeconds: 30 });
    queue = new ScheduleLog();
  });
  afterAll(async () => fx?.close());

  it('changes what the patch names, keeps what it leaves out or sets to null, and returns the row as saved', async () => {
    const saved = await update({ direction: 'TO_INTEGRATION', enabled: null, localFilters: null, fields: null });
    expect(saved).toMatchObject({ id: fx.mappingId, direction: 'TO_INTEGRATION', enabled: true, scheduleSeconds: 30 });
    const resolved = await loadResolvedMapping(fx.store.em(), fx.mappingId);
    expect(resolved).toMatchObject({
      direction: 'TO_INTEGRATION',
      createNewIfNoMatch: true,
      local: { table: 'customer', idColumn: 'id', filter: null, conditions: [] },
      integration: { table: 'account', externalKey: 'erp_id' },
    });
    // Fields without a direction of their own follow the mapping's new one.
    expect(resolved?.fields.map((f) => [f.localField, f.direction, f.useForMatch])).toEqual([
      ['name', 'TO_INTEGRATION', false],
      ['email', 'TO_INTEGRATION', true],
      ['city', 'TO_INTEGRATION', false],
    ]);
  });

  it('replaces the field list, parsing each constant from JSON', async () => {
    await update({
      fields: [
        { local: 'name', integration: 'name', transform: 'trim', enabled: null },
        { local: 'city', integration: 'address1_city', constantValue: '"Oslo"', match: true, matchPriority: 1 },
      ],
    });
    const fields = await fx.store
      .em()
      .find(FieldMappingSchema, { mappingId: fx.mappingId }, { orderBy: { position: 'asc' } });
    expect(
      fields.map((f) => [f.localField, f.transform, f.enabled, f.constantValue, f.useForMatch, f.matchPriority]),
    ).toEqual([
      ['name', 'trim', true, null, false, 0],
      ['city', null, true, '"Oslo"', true, 1],
    ]);
    expect((await loadResolvedMapping(fx.store.em(), fx.mappingId))?.fields[1]?.constant).toBe('Oslo');
  });

  it('checks new filters against the tables first: a refused one names its path and changes nothing', async () => {
    const before = await storedRow();
    const refused = update({
      scheduleSeconds: 5,
      localFilters: [
        { field: 'city', operator: 'EQ', value: 'Oslo' },
        { field: 'blokced', operator: 'EQ', value: false },
      ],
    });
    await expect(refused).rejects.toThrow(InvalidInputError);
    await expect(refused).rejects.toMatchObject({
      field: 'patch.localFilters[1].field',
      reason: 'column "blokced" does not exist in table customer',
    });
    expect(await storedRow()).toBe(before);
    expect(queue.calls).toEqual([]);

    await update({ integrationFilters: [{ field: 'name', operator: 'LIKE', value: 'a%' }] });
    expect((await loadResolvedMapping(fx.store.em(), fx.mappingId))?.integration.conditions).toEqual([
      { field: 'name', operator: 'LIKE', value: 'a%' },
    ]);
  });

  it('refuses a constant that is not JSON and a rule the mapping breaks, naming the field', async () => {
    const before = await storedRow();
    await expect(update({ fields: [{ local: 'name', integration: 'name', constantValue: '{oops' }] })).rejects.toThrow(
      new MappingDefinitionError('customers', 'name', 'constantValue is not valid JSON'),
    );
    await expect(update({ fields: [{ local: 'name', integration: 'name', transform: 'nope' }] })).rejects.toThrow(
      MappingDefinitionError,
    );
    expect(await storedRow()).toBe(before);
  });

  it('hands the saved schedule to the queue: none while the mapping is disabled', async () => {
    await update({ scheduleSeconds: 60 });
    await update({ enabled: false });
    await update({ enabled: true, scheduleSeconds: 0 });
    expect(queue.calls).toEqual([
      [fx.mappingId, 60],
      [fx.mappingId, 0],
      [fx.mappingId, 0],
    ]);
  });

  it('answers null for a mapping that does not exist', async () => {
    expect(await update({ enabled: false }, 999_999)).toBeNull();
    expect(queue.calls).toEqual([]);
  });
});
