import { describe, expect, it } from 'vitest';
import {
  describeChanges,
  describeUpdateError,
  formFromMapping,
  patchFromForm,
  validateMappingForm,
} from '../../src/composables/table-mapping-form';
import type { TableMapping } from '../../src/composables/table-mapping-labels';

const customers: TableMapping = {
  id: 'VGFibGVNYXBwaW5nOjE=',
  name: 'customers',
  direction: 'BIDIRECTIONAL',
  syncOnlyCoupledRecords: false,
  createNewIfNoMatch: true,
  updateConflictResolution: 'NONE',
  deletionConflictResolution: 'NONE',
  scheduleSeconds: 15,
  enabled: true,
  parkAfterFailures: 2,
  createdAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:00.000Z',
  local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at', filter: null },
  integration: {
    connector: 'crm',
    table: 'account',
    id: 'accountid',
    modifiedOn: 'modifiedon',
    filter: null,
    externalKey: 'erp_id',
  },
  localFilters: [{ field: 'city', operator: 'EQ', value: 'Oslo', values: null }],
  integrationFilters: [],
};

describe('form → patch', () => {
  it('an untouched form sends nothing', () => {
    expect(patchFromForm(customers, formFromMapping(customers))).toEqual({});
  });

  it('sends only the settings that changed, with their new values', () => {
    const form = {
      ...formFromMapping(customers),
      updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION',
      scheduleSeconds: 45,
    } as const;
    expect(patchFromForm(customers, form)).toEqual({
      updateConflictResolution: 'GET_UPDATE_FROM_INTEGRATION',
      scheduleSeconds: 45,
    });
  });

  it('a setting changed and changed back is not sent', () => {
    const form = { ...formFromMapping(customers), enabled: true, scheduleSeconds: 15 };
    expect(patchFromForm(customers, form)).toEqual({});
  });

  it('sends false and 0, which are values, not omissions', () => {
    const form = { ...formFromMapping(customers), enabled: false, createNewIfNoMatch: false, scheduleSeconds: 0 };
    expect(patchFromForm(customers, form)).toEqual({ enabled: false, createNewIfNoMatch: false, scheduleSeconds: 0 });
  });

  it('an emptied number input is never sent as null (the API would read it as "keep")', () => {
    const form = { ...formFromMapping(customers), scheduleSeconds: null, parkAfterFailures: null };
    expect(patchFromForm(customers, form)).toEqual({});
  });
});

describe('validation', () => {
  it('accepts the mapping as it is', () => {
    expect(validateMappingForm(formFromMapping(customers))).toEqual({});
  });

  it('refuses a negative schedule and says what to enter instead', () => {
    const errors = validateMappingForm({ ...formFromMapping(customers), scheduleSeconds: -5 });
    expect(Object.keys(errors)).toEqual(['scheduleSeconds']);
    expect(errors.scheduleSeconds).toContain('cannot be negative');
    expect(errors.scheduleSeconds).toContain('0 to run only by hand');
  });

  it('refuses an empty, fractional or too large schedule', () => {
    expect(validateMappingForm({ ...formFromMapping(customers), scheduleSeconds: null }).scheduleSeconds).toMatch(
      /Enter/,
    );
    expect(validateMappingForm({ ...formFromMapping(customers), scheduleSeconds: 1.5 }).scheduleSeconds).toMatch(
      /whole/,
    );
    expect(validateMappingForm({ ...formFromMapping(customers), scheduleSeconds: 2 ** 31 }).scheduleSeconds).toMatch(
      /at most/,
    );
    expect(validateMappingForm({ ...formFromMapping(customers), scheduleSeconds: 0 })).toEqual({});
  });

  it('parks after at least one failure', () => {
    expect(validateMappingForm({ ...formFromMapping(customers), parkAfterFailures: 0 }).parkAfterFailures).toMatch(
      /at least 1/,
    );
    expect(validateMappingForm({ ...formFromMapping(customers), parkAfterFailures: 1 })).toEqual({});
  });

  it('refuses a one-way direction that a field with its own direction cannot take', () => {
    const fields = [
      { localField: 'name', integrationField: 'name', direction: null },
      { localField: 'city', integrationField: 'address1_city', direction: 'TO_INTEGRATION' as const },
    ];
    const form = formFromMapping(customers);
    expect(validateMappingForm({ ...form, direction: 'TO_INTEGRATION' }, fields)).toEqual({});
    const errors = validateMappingForm({ ...form, direction: 'FROM_INTEGRATION' }, fields);
    expect(errors.direction).toContain('city ↔ address1_city');
    expect(validateMappingForm({ ...form, direction: 'BIDIRECTIONAL' }, fields)).toEqual({});
  });
});

describe('the confirmation', () => {
  it('lists each change from what to what, in words', () => {
    const changes = describeChanges(customers, {
      scheduleSeconds: 45,
      updateConflictResolution: 'SEND_UPDATE_TO_INTEGRATION',
    });
    expect(changes).toEqual([
      {
        key: 'updateConflictResolution',
        label: 'Update conflicts',
        from: 'Open a conflict error',
        to: 'Local wins (send update to integration)',
      },
      { key: 'scheduleSeconds', label: 'Schedule', from: 'every 15 s', to: 'every 45 s' },
    ]);
  });

  it('names the schedule as it will run when the mapping is disabled in the same save', () => {
    const changes = describeChanges(customers, { enabled: false });
    expect(changes).toEqual([{ key: 'enabled', label: 'Enabled', from: 'Yes', to: 'No' }]);
    const both = describeChanges(customers, { enabled: false, scheduleSeconds: 60 });
    expect(both.find((change) => change.key === 'scheduleSeconds')?.to).toBe(
      'by hand only (disabled; every 1 min when enabled)',
    );
  });
});

describe('typed API errors', () => {
  it('a success is no problem', () => {
    expect(describeUpdateError({ __typename: 'UpdateTableMappingPayload', mapping: customers })).toBeNull();
  });

  it('says why, and points at the input the API names', () => {
    expect(
      describeUpdateError({
        __typename: 'InvalidMappingError',
        code: 'INVALID_MAPPING',
        field: null,
        message: 'mapping "customers": scheduleSeconds must not be negative',
      }),
    ).toEqual({
      title: 'The API refused the mapping',
      message: 'mapping "customers": scheduleSeconds must not be negative',
      key: 'scheduleSeconds',
    });
    expect(
      describeUpdateError({
        __typename: 'ForbiddenError',
        code: 'FORBIDDEN',
        message: 'your API key does not allow this',
      }),
    ).toMatchObject({ title: 'Not allowed', key: null });
    expect(
      describeUpdateError({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'TableMapping 9 not found' }),
    ).toMatchObject({ title: 'This mapping no longer exists' });
    expect(describeUpdateError(null)).toMatchObject({ title: 'No answer' });
  });
});

describe('filters in the form', () => {
  it('shows the saved conditions as rows and sends nothing while they are as saved', () => {
    const form = formFromMapping(customers);
    expect(form.localFilters).toEqual([{ field: 'city', operator: 'EQ', value: 'Oslo' }]);
    expect(form.integrationFilters).toEqual([]);
    expect(patchFromForm(customers, form)).toEqual({});
    // Retyped to the same value (spaces around it), still nothing to send.
    expect(
      patchFromForm(customers, { ...form, localFilters: [{ field: 'city', operator: 'EQ', value: ' Oslo ' }] }),
    ).toEqual({});
  });

  it('sends the whole list of the side that changed, with typed values', () => {
    const form = {
      ...formFromMapping(customers),
      localFilters: [
        { field: 'city', operator: 'IN', value: 'Oslo, "Bergen, west", 42' },
        { field: 'blocked', operator: 'EQ', value: 'false' },
        { field: 'email', operator: 'IS_NULL', value: '' },
      ],
    } as const;
    expect(patchFromForm(customers, { ...form, localFilters: [...form.localFilters] })).toEqual({
      localFilters: [
        { field: 'city', operator: 'IN', values: ['Oslo', 'Bergen, west', 42] },
        { field: 'blocked', operator: 'EQ', value: false },
        { field: 'email', operator: 'IS_NULL' },
      ],
    });
    expect(patchFromForm(customers, { ...formFromMapping(customers), localFilters: [] })).toEqual({ localFilters: [] });
    const integration = {
      ...formFromMapping(customers),
      integrationFilters: [{ field: 'name', operator: 'LIKE' as const, value: 'A%' }],
    };
    expect(patchFromForm(customers, integration)).toEqual({
      integrationFilters: [{ field: 'name', operator: 'LIKE', value: 'A%' }],
    });
  });

  it('says which condition is incomplete before sending', () => {
    const errors = validateMappingForm({
      ...formFromMapping(customers),
      localFilters: [
        { field: 'city', operator: 'EQ', value: 'Oslo' },
        { field: '', operator: 'GT', value: '' },
      ],
      integrationFilters: [{ field: 'name', operator: 'LT', value: 'null' }],
    });
    expect(errors).toEqual({
      localFilters: 'Local filter: Condition 2: choose a field. Condition 2: enter a value.',
      integrationFilters: 'Integration filter: Condition 1: < needs a value, not null (choose "is empty" instead).',
    });
  });

  it('lists a changed filter in the confirmation, in words, and points the API’s refusal at it', () => {
    const patch = patchFromForm(customers, {
      ...formFromMapping(customers),
      localFilters: [
        { field: 'city', operator: 'IN', value: 'Oslo, Bergen' },
        { field: 'email', operator: 'NOT_NULL', value: '' },
      ],
    });
    expect(describeChanges(customers, { ...patch, scheduleSeconds: 30 })).toEqual([
      { key: 'scheduleSeconds', label: 'Schedule', from: 'every 15 s', to: 'every 30 s' },
      {
        key: 'localFilters',
        label: 'Local filter',
        from: 'city = "Oslo"',
        to: 'city is one of "Oslo", "Bergen" and email is not empty',
      },
    ]);
    expect(
      describeUpdateError({
        __typename: 'InvalidInputError',
        code: 'INVALID_INPUT',
        argument: 'patch.localFilters[1].field',
        message: 'patch.localFilters[1].field: column "blokced" does not exist in table customer',
      }),
    ).toMatchObject({ key: 'localFilters' });
  });
});
