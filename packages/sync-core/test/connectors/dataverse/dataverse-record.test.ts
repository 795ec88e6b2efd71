import { describe, expect, it } from 'vitest';
import {
  ColumnValueError,
  modifiedUsOf,
  toPayload,
  versionOf,
} from '../../../src/connectors/dataverse/dataverse-record.js';
import type { EntityMetadata } from '../../../src/connectors/dataverse/entity-metadata.js';

const SECOND_US = Date.UTC(2026, 10, 26, 12, 0, 5) * 1000;

describe('modified-on with row-version precision', () => {
  it('orders two writes of one second by their row versions', () => {
    const tandemWrite = modifiedUsOf('2026-11-26T12:00:05Z', 'W/"1041"');
    const personsEdit = modifiedUsOf('2026-11-26T12:00:05Z', 'W/"1042"');
    expect(tandemWrite).toBe(SECOND_US + 1041);
    expect(personsEdit).toBeGreaterThan(tandemWrite);
    // The next second is later whatever the versions.
    expect(modifiedUsOf('2026-11-26T12:00:06Z', 'W/"3"')).toBeGreaterThan(
      modifiedUsOf('2026-11-26T12:00:05Z', 'W/"999999"'),
    );
  });

  it('falls back to the milliseconds without an ETag, and reads ETag versions', () => {
    expect(modifiedUsOf('2026-11-26T12:00:05.250Z', undefined)).toBe(SECOND_US + 250_000);
    expect(modifiedUsOf(null, 'W/"1"')).toBe(0);
    expect(versionOf('W/"123456789"')).toBe(123456789);
    expect(versionOf('*')).toBeNull();
  });
});

describe('values as the Web API takes them', () => {
  const metadata: EntityMetadata = {
    entitySet: 'accounts',
    primaryId: 'accountid',
    alternateKeys: [],
    changeTracking: false,
    columns: new Map(
      (
        [
          ['name', 'string'],
          ['numberofemployees', 'int'],
          ['creditlimit', 'decimal'],
          ['donotemail', 'boolean'],
          ['lastcontact', 'datetime'],
        ] as const
      ).map(([name, kind]) => [name, { name, kind, type: kind, required: false, maxLength: null }]),
    ),
  };

  it('converts what SQLite stores (numeric text, 0/1, epoch ms) and drops skipped columns', () => {
    expect(
      toPayload(
        metadata,
        { name: 42, numberofemployees: '12', creditlimit: '99.50', donotemail: 1, lastcontact: 0, accountid: 'x' },
        new Set(['accountid']),
      ),
    ).toEqual({
      name: '42',
      numberofemployees: 12,
      creditlimit: 99.5,
      donotemail: true,
      lastcontact: '1970-01-01T00:00:00.000Z',
    });
  });

  it('refuses a value its column cannot take, naming the column and type', () => {
    expect(() => toPayload(metadata, { creditlimit: 'lots' }, new Set())).toThrow(ColumnValueError);
    expect(() => toPayload(metadata, { numberofemployees: 2.5 }, new Set())).toThrow(
      'column "numberofemployees" (int) cannot take the value 2.5',
    );
  });
});
