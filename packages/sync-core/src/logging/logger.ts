import { describeError } from '../errors/redact-sql.js';

/** Structured context of a log line: `{ jobId, mapping }`, `{ err }` for an error, counters … */
export type LogFields = Record<string, unknown>;

/**
 * What sync-core logs through: the queue, the job runner and the scheduler take one as an option. The
 * apps bring their own logger (the API passes pino) — sync-core depends on no logging library, so it
 * stays usable from a script or a test with nothing but the console.
 *
 * An error goes in `fields.err` as the thrown value; the logger must never print a SQL statement with its
 * values (use `redactSql` / `describeError`), since a driver's message inlines them.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line carries `fields` too (pino's child loggers); `childLogger` covers its absence. */
  child?(fields: LogFields): Logger;
}

/** A logger for one unit of work (a job): every line it writes carries `fields`. */
export function childLogger(logger: Logger, fields: LogFields): Logger {
  if (logger.child) return logger.child(fields);
  const merged = (more?: LogFields): LogFields => ({ ...fields, ...more });
  return {
    debug: (message, more) => logger.debug(message, merged(more)),
    info: (message, more) => logger.info(message, merged(more)),
    warn: (message, more) => logger.warn(message, merged(more)),
    error: (message, more) => logger.error(message, merged(more)),
    child: (next) => childLogger(logger, merged(next)),
  };
}

/**
 * The default when no logger is given — what sync-core did before it had one: errors to stderr
 * (`[prefix] message: Error: reason` with the stack's frames, SQL redacted), nothing else.
 */
export function consoleLogger(prefix?: string): Logger {
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (message, fields) => {
      const head = prefix ? `[${prefix}] ${message}` : message;
      console.error(fields?.err === undefined ? head : `${head}: ${describeError(fields.err)}`);
    },
  };
}

/**
 * A logger that hands errors to an `onError`-style callback and drops everything else (a FAILED job is a
 * warning, not a failure of the code that ran it).
 */
export function reportingLogger(report: (error: unknown) => void): Logger {
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (message, fields) => report(fields?.err ?? new Error(message)),
  };
}
