import type { Logger as CoreLogger, LogFields } from '@tandem/sync-core';
import type { YogaLogger } from 'graphql-yoga';
import type { ServerLogger } from './logger.js';

/**
 * The server's pino logger as sync-core's `Logger` (message first, fields second — pino takes them the
 * other way round); its children are pino children, so a job's `jobId` and `mapping` are bound once.
 */
export function coreLogger(log: ServerLogger): CoreLogger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) =>
    log[level](fields ?? {}, message);
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => coreLogger(log.child(fields)),
  };
}

/**
 * Yoga's logger (it calls `error(err)`, `debug('…', value)` …) on the server's pino logger: an Error becomes
 * the line's `err` (serialized with its SQL redacted), everything else the message. Yoga logs only the
 * errors it masked for the client, so every line here is worth an operator's look.
 */
export function yogaLogger(log: ServerLogger): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const err = args.find((arg) => arg instanceof Error);
      const text = args
        .filter((arg) => arg !== err)
        .map((arg) => (typeof arg === 'string' ? arg : safeJson(arg)))
        .join(' ');
      const message = text || (err instanceof Error ? err.message : '');
      log[level](err ? { component: 'graphql', err } : { component: 'graphql' }, message);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
