import { describe, expect, it } from 'vitest';
import { numberPlaceholders, quoteIdent, quoteTable } from '../../src/connectors/sql/index.js';

describe('SQL text helpers', () => {
  it('numbers ? placeholders for PostgreSQL, leaving literals, quoted names and comments alone', () => {
    expect(numberPlaceholders(`select '?', "a?b", 'it''s ?' from t -- why?\nwhere a = ? and b /* ? */ in (?, ?)`)).toBe(
      `select '?', "a?b", 'it''s ?' from t -- why?\nwhere a = $1 and b /* ? */ in ($2, $3)`,
    );
  });

  it('quotes identifiers and schema-qualified tables', () => {
    expect(quoteIdent('odd "name"')).toBe('"odd ""name"""');
    expect(quoteTable('crm.account')).toBe('"crm"."account"');
  });
});
