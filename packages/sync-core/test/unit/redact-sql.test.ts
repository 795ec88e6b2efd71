import { describe, expect, it } from 'vitest';
import { redactSql } from '../../src/errors/redact-sql.js';

describe('redactSql', () => {
  it('keeps the driver reason and drops the statement with its inlined values', () => {
    const message =
      "select `a0`.* from `api_key` as `a0` where `a0`.`key_hash` = '9f86d081884c7d659a2feaa0c55ad015' limit 1 - SQLITE_BUSY: database is locked";
    const redacted = redactSql(message);
    expect(redacted).toBe('[SQL statement redacted] - SQLITE_BUSY: database is locked');
    expect(redacted).not.toContain('9f86d0');
  });

  it('redacts an insert whose values hold the separator, and a statement with no reason', () => {
    expect(redactSql("insert into customer (email) values ('a - b@example.com') - UNIQUE constraint failed")).toBe(
      '[SQL statement redacted] - UNIQUE constraint failed',
    );
    expect(redactSql('update coupling set local_values = \'{"email":"x@y"}\'')).toBe('[SQL statement redacted]');
  });

  it('leaves messages without SQL as they are', () => {
    expect(redactSql('mapping customers: the CRM answered 503')).toBe('mapping customers: the CRM answered 503');
  });
});
