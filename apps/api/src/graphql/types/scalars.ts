import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.js';

/**
 * The store keeps times as epoch milliseconds; the API speaks ISO-8601 (`2026-11-26T10:00:00.000Z`).
 * Input accepts any ISO-8601 date-time with an offset (or Z), so a filter cannot silently mean local time.
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): number {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw new GraphQLError('DateTime must be an ISO-8601 date-time with a time zone, e.g. 2026-11-26T10:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new GraphQLError(`"${value}" is not a valid date-time`);
  return ms;
}

builder.scalarType('DateTime', {
  description: 'An instant as an ISO-8601 string in UTC, e.g. 2026-11-26T10:00:00.000Z.',
  serialize: (ms) => new Date(Number(ms)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return parseDateTime(node.value);
  },
});

/**
 * Record values as the apps hold them (strings, numbers, booleans, null; dates as ISO strings). Opaque
 * on purpose: the fields are whatever a mapping names, so they cannot be typed in the schema.
 */
builder.scalarType('JSON', {
  description: 'Any JSON value: a record field value, or an object of them keyed by field name.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
