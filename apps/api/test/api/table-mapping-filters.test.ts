import { loadResolvedMapping, TableMappingSchema } from '@tandem/sync-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const UPDATE = `mutation($m: ID!, $patch: TableMappingPatch!) {
  updateTableMapping(id: $m, patch: $patch) {
    __typename
    ... on UpdateTableMappingPayload {
      mapping {
        localFilters { field operator value values }
        integrationFilters { field operator value values }
        local { filter }
      }
    }
    ... on InvalidInputError { argument }
    ... on Error { code message }
  }
}`;

type UpdateAnswer = { updateTableMapping: Record<string, unknown> };

function update(patch: Record<string, unknown>, key = api.keys.ADMIN) {
  return gql<UpdateAnswer>(api, key, UPDATE, { m: String(api.mappings.customers), patch });
}

/** The mapping's stored row, as JSON: "nothing changed" means this is the same before and after. */
async function storedMapping(): Promise<string> {
  return JSON.stringify(
    await api.runtime.store.em().findOneOrFail(TableMappingSchema, { id: api.mappings.customers! }),
  );
}

describe('updateTableMapping with structured filters', () => {
  it('stores the conditions per side, returns them, and hands them to the job', async () => {
    const local = [
      { field: 'city', operator: 'IN', values: ['Oslo', 'Bergen', null] },
      { field: 'email', operator: 'NOT_NULL' },
      { field: 'name', operator: 'NE', value: "x' OR 1=1 --" },
    ];
    const integration = [{ field: 'address1_city', operator: 'EQ', value: null }];
    const res = await update({ localFilters: local, integrationFilters: integration });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.updateTableMapping).toEqual({
      __typename: 'UpdateTableMappingPayload',
      mapping: {
        localFilters: [
          { field: 'city', operator: 'IN', value: null, values: ['Oslo', 'Bergen', null] },
          { field: 'email', operator: 'NOT_NULL', value: null, values: null },
          { field: 'name', operator: 'NE', value: "x' OR 1=1 --", values: null },
        ],
        integrationFilters: [{ field: 'address1_city', operator: 'EQ', value: null, values: null }],
        local: { filter: null },
      },
    });
    const resolved = await loadResolvedMapping(api.runtime.store.em(), api.mappings.customers!);
    expect(resolved?.local.conditions).toEqual(local);
    expect(resolved?.integration.conditions).toEqual([{ field: 'address1_city', operator: 'EQ', value: null }]);

    // What a client read can go back as it is (nulls where an operator takes nothing); [] removes a filter.
    const payload = res.body.data!.updateTableMapping as { mapping: { localFilters: unknown[] } };
    const readBack = payload.mapping.localFilters;
    const again = await update({ localFilters: readBack, integrationFilters: [] });
    expect(again.body.data?.updateTableMapping).toMatchObject({
      mapping: { localFilters: readBack, integrationFilters: [] },
    });
  });

  it('takes no raw SQL: a client sending localFilter gets a validation error and nothing changes', async () => {
    const before = await storedMapping();
    for (const patch of [{ localFilter: '1=1) --' }, { integrationFilter: '1=1) --' }]) {
      const res = await update(patch);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.[0]?.message).toContain(Object.keys(patch)[0]);
    }
    const inline = await gql(
      api,
      api.keys.ADMIN,
      `mutation($m: ID!) { updateTableMapping(id: $m, patch: { localFilter: "1=1) --" }) { __typename } }`,
      { m: String(api.mappings.customers) },
    );
    expect(inline.body.data ?? null).toBeNull();
    expect(inline.body.errors?.[0]?.message).toMatch(/localFilter/);
    // Nor can SQL ride in a condition: a key that is not part of a condition is refused by the schema.
    const smuggled = await update({ localFilters: [{ field: 'name', operator: 'EQ', value: 'x', sql: '1=1) --' }] });
    expect(smuggled.body.data ?? null).toBeNull();
    expect(await storedMapping()).toBe(before);
  });

  it('refuses an unknown column or a wrong operand with INVALID_INPUT naming the path, changing nothing', async () => {
    await update({ localFilters: [{ field: 'city', operator: 'EQ', value: 'Oslo' }] });
    const before = await storedMapping();
    const unknown = await update({
      localFilters: [
        { field: 'city', operator: 'EQ', value: 'Oslo' },
        { field: 'blokced', operator: 'EQ', value: false },
      ],
      scheduleSeconds: 5,
    });
    expect(unknown.body.data?.updateTableMapping).toEqual({
      __typename: 'InvalidInputError',
      argument: 'patch.localFilters[1].field',
      code: 'INVALID_INPUT',
      message: 'patch.localFilters[1].field: column "blokced" does not exist in table customer',
    });
    const operand = await update({ integrationFilters: [{ field: 'name', operator: 'IN', value: 'x' }] });
    expect(operand.body.data?.updateTableMapping).toMatchObject({
      __typename: 'InvalidInputError',
      message: 'patch.integrationFilters[0].value: IN takes values, not value',
    });
    const object = await update({ localFilters: [{ field: 'city', operator: 'EQ', value: { $ne: 1 } }] });
    expect(object.body.data?.updateTableMapping).toMatchObject({
      argument: 'patch.localFilters[0].value',
      message: 'patch.localFilters[0].value: must be a string, a number, a boolean or null',
    });
    expect(await storedMapping()).toBe(before);
  });

  it('keeps the config file’s raw filter, shown read-only, when an admin changes the structured one', async () => {
    const em = api.runtime.store.em();
    const mapping = await em.findOneOrFail(TableMappingSchema, { id: api.mappings.customers! });
    mapping.localFilter = "city <> 'Turku'"; // as the config file would have set it
    await em.flush();
    const res = await update({ localFilters: [{ field: 'city', operator: 'LIKE', value: 'o%' }] });
    expect(res.body.data?.updateTableMapping).toMatchObject({
      mapping: {
        localFilters: [{ field: 'city', operator: 'LIKE', value: 'o%' }],
        local: { filter: "city <> 'Turku'" },
      },
    });
    const resolved = await loadResolvedMapping(api.runtime.store.em(), api.mappings.customers!);
    expect(resolved?.local.filter).toBe("city <> 'Turku'");
  });

  it('is for admins only', async () => {
    const res = await update({ localFilters: [] }, api.keys.OPERATOR);
    expect(res.body.data?.updateTableMapping).toMatchObject({ __typename: 'ForbiddenError' });
  });
});
