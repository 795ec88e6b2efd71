/** Statements a driver error may start with: MikroORM's messages are `<statement with values> - <reason>`. */
const SQL_START =
  /^\s*(select|insert|update|delete|with|begin|commit|rollback|pragma|create|alter|drop|copy|savepoint|release)\b/i;

/**
 * A message fit for a log: when it carries a SQL statement (the driver inlines the bound values, which
 * may be a key hash or a customer's e-mail), only the driver's reason after the statement is kept.
 * Messages without SQL pass unchanged.
 */
export function redactSql(message: string): string {
  if (!SQL_START.test(message)) return message;
  const separator = message.lastIndexOf(' - ');
  const reason = separator >= 0 ? message.slice(separator + 3).trim() : '';
  return reason ? `[SQL statement redacted] - ${reason}` : '[SQL statement redacted]';
}

/**
 * An unexpected error as a log line: its name, its message with SQL redacted, and where it was thrown
 * (the stack's frames, without the first line, which repeats the unredacted message).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redactSql(String(error));
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${redactSql(error.message)}`, ...frames].join('\n');
}
