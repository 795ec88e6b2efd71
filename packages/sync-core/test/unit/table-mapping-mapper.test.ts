import { describe, expect, it } from 'vitest';
import type { FieldMapping } from '../../src/entities/field-mapping.entity.js';
import type { TableMapping } from '../../src/entities/table-mapping.entity.js';
import {
  resolveMapping,
  toFieldColumns,
  toMappingColumns,
  toMappingInput,
} from '../../src/mappings/table-mapping.mapper.js';
import { MAPPING_DEFAULTS, type TableMappingInput } from '../../src/mappings/table-mapping-input.js';

const INPUT: TableMappingInput = {
  name: 'customers',
  local: { connector: 'erp', table: 'customer', id: 'id', modifiedOn: 'modified_at', filter: "city <> 'x'" },
  integration: { connector: 'crm', table: 'account', id: 'accountid', modifiedOn: 'modifiedon', externalKey: 'erp_id' },
  filters: { local: [{ field: 'blocked', operator: 'EQ', value: false }] },
  direction: 'TO_INTEGRATION',
  fields: [
    { local: 'name', integration: 'name', transform: 'trim' },
    { local: 'country', integration: 'country', constant: { code: 'NO' }, match: true, matchPriority: 2 },
  ],
};

/** The rows the store would hold for INPUT. */
function stored(input: TableMappingInput): { mapping: TableMapping; fields: FieldMapping[] } {
  const mapping = { id: 7, createdAt: 1, updatedAt: 2, ...toMappingColumns(input) } as TableMapping;
  const fields = toFieldColumns(7, input.fields).map((field, index) => ({ id: index + 1, ...field }) as FieldMapping);
  return { mapping, fields };
}

describe('the table mapping mapper', () => {
  it('reads back what it wrote, every default filled in', () => {
    const { mapping, fields } = stored(INPUT);
    expect(toMappingInput(mapping, fields)).toEqual({
      ...MAPPING_DEFAULTS,
      ...INPUT,
      integration: { ...INPUT.integration, filter: undefined },
      filters: { local: INPUT.filters!.local, integration: [] },
      fields: [
        {
          local: 'name',
          integration: 'name',
          direction: undefined,
          constant: undefined,
          transform: 'trim',
          enabled: true,
          match: false,
          matchPriority: 0,
          caseSensitive: false,
          clearValueOnFailedSync: false,
        },
        {
          local: 'country',
          integration: 'country',
          direction: undefined,
          constant: { code: 'NO' },
          transform: undefined,
          enabled: true,
          match: true,
          matchPriority: 2,
          caseSensitive: false,
          clearValueOnFailedSync: false,
        },
      ],
    });
  });

  it('resolves for the engine: sides as connectors open them, field directions from the mapping', () => {
    const { mapping, fields } = stored(INPUT);
    const resolved = resolveMapping(mapping, fields);
    expect(resolved.local).toEqual({
      connector: 'erp',
      table: 'customer',
      idColumn: 'id',
      modifiedColumn: 'modified_at',
      filter: "city <> 'x'",
      conditions: [{ field: 'blocked', operator: 'EQ', value: false }],
    });
    expect(resolved.integration).toMatchObject({ filter: null, conditions: [], externalKey: 'erp_id' });
    expect(resolved.fields.map((f) => [f.localField, f.direction, f.constant, f.transform, f.useForMatch])).toEqual([
      ['name', 'TO_INTEGRATION', undefined, 'trim', false],
      ['country', 'TO_INTEGRATION', { code: 'NO' }, null, true],
    ]);
  });
});
