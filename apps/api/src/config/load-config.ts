import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidConfigError, InvalidInputError, parseDatabaseUrl, validateMappingInput } from '@tandem/sync-core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { isLogLevel, LOG_LEVELS } from '../observability/log-levels.js';
import { checkAlertRules } from './alerts-config.js';
import { configSchema, type TandemConfig } from './config.schema.js';

/**
 * Reads and validates a config file. `${NAME}` is replaced from the environment (a missing variable is
 * an error naming it). Every mistake is an `InvalidConfigError` whose message starts with the key's path,
 * e.g. `mappings[0].fields[2].direction: …`; nothing starts with a config that failed validation.
 */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): TandemConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidConfigError(path, `cannot read the config file (${(error as NodeJS.ErrnoException).code})`);
  }
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidConfigError(
      path,
      `is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  return parseConfig(substituteEnv(raw, env, ''), env);
}

/** Validates an already parsed config object (the file's content after `${VAR}` substitution). */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): TandemConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw toConfigError(result.error);
  const config = applyEnvOverrides(result.data, env);
  checkReferences(config);
  checkAlertRules(
    config.alerts,
    config.mappings.map((mapping) => mapping.name),
  );
  return config;
}

/** Environment variables win over the file for the settings an operator changes per machine. */
function applyEnvOverrides(config: TandemConfig, env: NodeJS.ProcessEnv): TandemConfig {
  const port = env.PORT ?? env.TANDEM_PORT;
  if (port !== undefined) {
    const parsed = Number(port);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      throw new InvalidConfigError('PORT', `"${port}" is not a port number`);
    }
    config.server.port = parsed;
  }
  if (env.TANDEM_DATABASE_URL) config.database.url = env.TANDEM_DATABASE_URL;
  if (env.TANDEM_LOG_LEVEL) {
    if (!isLogLevel(env.TANDEM_LOG_LEVEL)) {
      throw new InvalidConfigError('TANDEM_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
    }
    config.logging.level = env.TANDEM_LOG_LEVEL;
  }
  if (env.TANDEM_REDIS_URL) {
    if (!/^rediss?:\/\//.test(env.TANDEM_REDIS_URL)) {
      throw new InvalidConfigError('TANDEM_REDIS_URL', 'must be a redis:// or rediss:// URL');
    }
    config.queue = { prefix: 'tandem', ...config.queue, redis: env.TANDEM_REDIS_URL };
  }
  return config;
}

/** Rules across keys: URLs that parse, connectors that exist, unique names, field directions. */
function checkReferences(config: TandemConfig): void {
  parseDatabaseUrl(config.database.url, 'database.url');
  for (const [name, connector] of Object.entries(config.connectors)) {
    if (connector.type === 'sql') parseDatabaseUrl(connector.url, `connectors.${name}.url`);
  }
  const names = new Set<string>();
  config.mappings.forEach((mapping, index) => {
    const at = `mappings[${index}]`;
    if (names.has(mapping.name))
      throw new InvalidConfigError(`${at}.name`, `"${mapping.name}" is used by another mapping`);
    names.add(mapping.name);
    for (const side of ['local', 'integration'] as const) {
      if (!config.connectors[mapping[side].connector]) {
        throw new InvalidConfigError(
          `${at}.${side}.connector`,
          `"${mapping[side].connector}" is not one of the connectors (${Object.keys(config.connectors).join(', ') || 'none'})`,
        );
      }
    }
    try {
      validateMappingInput(mapping);
    } catch (error) {
      // A filter mistake knows its path inside the mapping (`filters.local[1].value`).
      if (error instanceof InvalidInputError) throw new InvalidConfigError(`${at}.${error.field}`, error.reason);
      throw new InvalidConfigError(at, (error as Error).message);
    }
  });
}

function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) {
        throw new InvalidConfigError(path || '(root)', `environment variable ${name} is not set`);
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}

function toConfigError(error: z.ZodError): InvalidConfigError {
  const [issue] = error.issues;
  if (!issue) return new InvalidConfigError('(root)', 'is invalid');
  let path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    path = path ? `${path}.${key}` : String(key);
    message = 'is not a known setting';
  }
  const more =
    error.issues.length > 1
      ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})`
      : '';
  return new InvalidConfigError(path || '(root)', `${message}${more}`);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
