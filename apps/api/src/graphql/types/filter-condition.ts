import { FILTER_OPERATORS, type FilterCondition } from '@tandem/sync-core';
import { builder } from '../builder.js';

/**
 * Structured filters in the API: a list of conditions per side, compiled by the connector with bound
 * values. They replace raw SQL in the API for good reason: a raw filter is pasted into the app's queries,
 * so whoever could set it could run any SQL there. Raw SQL stays in the config file only.
 */
export const FilterOperatorEnum = builder.enumType('FilterOperator', {
  description:
    'EQ NE LT LE GT GE LIKE take `value`; IN takes `values`; IS_NULL and NOT_NULL take neither. EQ null is IS_NULL; ' +
    'NE also matches an empty (null) field; LIKE is case-insensitive, with % and _ as wildcards and \\ escaping them.',
  values: FILTER_OPERATORS,
});

export const FilterConditionRef = builder.objectRef<FilterCondition>('FilterCondition').implement({
  description: "One condition of a side's structured filter: a record takes part when it meets all of them.",
  fields: (t) => ({
    field: t.exposeString('field', { description: 'A column of the table.' }),
    operator: t.field({ type: FilterOperatorEnum, resolve: (condition) => condition.operator }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value of EQ NE LT LE GT GE LIKE: a string, number, boolean or null.',
      resolve: (condition) => condition.value ?? null,
    }),
    values: t.field({
      type: ['JSON'],
      nullable: { list: true, items: true },
      description: 'The values of IN.',
      resolve: (condition) => (condition.values ? [...condition.values] : null),
    }),
  }),
});

export const FilterConditionInput = builder.inputType('FilterConditionInput', {
  description: 'One condition: `{ field: "blocked", operator: EQ, value: false }`. Values are bound, never SQL.',
  fields: (t) => ({
    field: t.string({ required: true, description: 'A column of the table.' }),
    operator: t.field({ type: FilterOperatorEnum, required: true }),
    value: t.field({ type: 'JSON', description: 'EQ NE LT LE GT GE LIKE: a string, number, boolean or null.' }),
    values: t.field({
      type: ['JSON'],
      required: { list: false, items: false },
      description: 'IN: strings, numbers, booleans or null.',
    }),
  }),
});
