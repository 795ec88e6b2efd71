import { InvalidConfigError } from '../errors/invalid-config.error.js';

export type DatabaseUrl =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgresql'; url: string; database: string };

/** The two databases Tandem's store runs on: what the URL says, which the store's plain SQL needs too. */
export type StoreDialect = DatabaseUrl['dialect'];

/**
 * Reads the two URL forms Tandem accepts: `sqlite:PATH` (a file, or `:memory:`) and
 * `postgres://user@host:port/db` (also `postgresql://`). `where` names the config path for the error.
 */
export function parseDatabaseUrl(url: string, where = 'database.url'): DatabaseUrl {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new InvalidConfigError(where, `"${url}" names no file: use sqlite:./data/tandem.sqlite`);
    return { dialect: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidConfigError(where, `"${redact(url)}" is not a valid PostgreSQL URL`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!database) throw new InvalidConfigError(where, `"${redact(url)}" names no database`);
    return { dialect: 'postgresql', url, database };
  }
  throw new InvalidConfigError(where, `"${redact(url)}" must start with sqlite: or postgres://`);
}

/** Hides a password in a URL before it goes into a message. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
