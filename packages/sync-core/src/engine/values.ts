import type { FieldValues } from '../connectors/connector.js';

/**
 * Brings a value read from an app into the plain JSON form the engine compares and stores: dates as
 * ISO strings, bigints as strings, buffers as base64, undefined as null.
 */
export function normalizeValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/** Picks and normalizes the given fields of a record's values. */
export function pickValues(values: FieldValues, fields: readonly string[]): FieldValues {
  const picked: FieldValues = {};
  for (const field of fields) picked[field] = normalizeValue(values[field]);
  return picked;
}

/**
 * Equality as a sync engine needs it: null and undefined are equal, and a number equals its text
 * (apps disagree on whether 12 is a number or "12"); objects compare by their JSON.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const left = normalizeValue(a);
  const right = normalizeValue(b);
  if (left === null || right === null) return left === right;
  if (typeof left === 'object' || typeof right === 'object') return JSON.stringify(left) === JSON.stringify(right);
  return String(left) === String(right);
}

export function parseValues(json: string | null): FieldValues | null {
  return json === null ? null : (JSON.parse(json) as FieldValues);
}
