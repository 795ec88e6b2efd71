import { describe, expect, it } from 'vitest';
import { coreLogger, yogaLogger } from '../../src/observability/log-adapters.js';
import { createServerLogger } from '../../src/observability/logger.js';

/** The server's logger writing into an array: one parsed JSON object per line. */
function capture(level: 'debug' | 'info' | 'warn' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const log = createServerLogger({
    level,
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { log, lines };
}

const SQL_ERROR = () =>
  new Error(
    "insert into api_key (key_hash, email) values ('3f9a…', 'ada@example.com') - SQLITE_BUSY: database is locked",
  );

describe('the server logger', () => {
  it('writes JSON lines with the level by name and an ISO time, from its level up', () => {
    const { log, lines } = capture('info');
    log.debug('not written');
    log.info({ jobId: 7 }, 'job started');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'job started', jobId: 7 });
    expect(String(lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts SQL from an error (message and stack) and from a message', () => {
    const { log, lines } = capture();
    log.error({ err: SQL_ERROR() }, 'could not renew the mapping lease');
    log.error(SQL_ERROR().message);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toMatch(/insert into/i);
    expect(lines[0]!.err).toMatchObject({
      type: 'Error',
      message: '[SQL statement redacted] - SQLITE_BUSY: database is locked',
    });
    expect(String((lines[0]!.err as { stack: string }).stack)).toMatch(
      /^Error: \[SQL statement redacted\][^\n]*\n\s+at /,
    );
    expect(lines[1]!.msg).toBe('[SQL statement redacted] - SQLITE_BUSY: database is locked');
  });

  it("is sync-core's Logger: message first, fields second, children bind their fields", () => {
    const { log, lines } = capture('debug');
    const job = coreLogger(log).child!({ jobId: 3, mapping: 'customers' });
    job.debug('job progress', { processed: 10 });
    job.error('could not store the job progress', { err: SQL_ERROR() });
    expect(lines[0]).toMatchObject({
      level: 'debug',
      msg: 'job progress',
      jobId: 3,
      mapping: 'customers',
      processed: 10,
    });
    expect(lines[1]).toMatchObject({ level: 'error', jobId: 3, mapping: 'customers' });
    expect(JSON.stringify(lines)).not.toContain('ada@example.com');
  });

  it("carries yoga's lines: an error as `err`, other values as the message", () => {
    const { log, lines } = capture();
    const yoga = yogaLogger(log);
    yoga.error(SQL_ERROR());
    yoga.warn('slow operation', { ms: 1200 });
    expect(lines[0]).toMatchObject({
      level: 'error',
      component: 'graphql',
      msg: expect.stringContaining('[SQL statement redacted]'),
    });
    expect(lines[1]).toMatchObject({ level: 'warn', msg: 'slow operation {"ms":1200}' });
    expect(JSON.stringify(lines)).not.toContain('ada@example.com');
  });
});
