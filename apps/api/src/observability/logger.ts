import { describeError, redactSql } from '@tandem/sync-core';
import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './log-levels.js';

export type ServerLogger = Logger;

export interface ServerLoggerOptions {
  level: LogLevel;
  /** Human-readable lines instead of JSON; default: when stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go; default stdout, written synchronously (see below). */
  destination?: DestinationStream;
}

/**
 * An error as a log field: its name, its message and its stack's frames with any SQL statement taken
 * out (a driver inlines the bound values — a key hash, a customer's e-mail — into its message, and the
 * stack's first line repeats it). pino's own serializer would print both as they are.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactSql(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: redactSql(error.message),
    stack: describeError(error),
    ...(code !== undefined ? { code } : {}),
    ...(error.cause !== undefined ? { cause: serializeError(error.cause) } : {}),
  };
}

/**
 * The server's one logger: JSON lines on stdout (`level` as its name, ISO time, pid and hostname), or
 * pino-pretty's coloured lines when a person watches a terminal. Writes are synchronous, so that the
 * plain lines `tandem start` prints itself (the admin key, the URL) and the log keep their order, and a
 * line written just before the process exits is not lost.
 */
export function createServerLogger(options: ServerLoggerOptions): ServerLogger {
  const human = options.pretty ?? process.stdout.isTTY === true;
  const destination =
    options.destination ??
    (human
      ? pretty({ colorize: true, sync: true, translateTime: 'SYS:standard', ignore: 'pid,hostname' })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      serializers: { err: serializeError },
      // Label, not number, in JSON ("level":"info" is what a log search is written against); pino-pretty
      // wants the number to colour it.
      formatters: human ? {} : { level: (label) => ({ level: label }) },
      timestamp: human ? pino.stdTimeFunctions.epochTime : pino.stdTimeFunctions.isoTime,
      hooks: {
        // The message itself passes redactSql too: a caller that logs `error.message` must not leak a statement.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? redactSql(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}
