import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The admin console's build, next to this app in the monorepo (from src/ and dist/ alike). */
export const DEFAULT_ADMIN_DIR = fileURLToPath(new URL('../../admin/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the API answers itself; everything else under GET/HEAD may be the console. */
const API_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Serves the built console at `/`: files by path, `index.html` for client routes (`/errors?kind=…`), and
 * vite's content-hashed `/assets/*` cached for a year (a new build has new names), while `index.html` is
 * revalidated on every load so a deploy is picked up at once. Returns null when there is no build (the API
 * then answers as before). The handler returns false for requests it leaves to the API.
 */
export function createAdminHandler(
  dir: string = process.env.TANDEM_ADMIN_DIR ?? DEFAULT_ADMIN_DIR,
): AdminHandler | null {
  const root = resolve(dir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return null;

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = decodePath(req.url ?? '/');
    if (pathname === null) return false;
    if (API_PATHS.has(pathname) || pathname.startsWith('/graphql/') || pathname.startsWith('/metrics/')) return false;

    const candidate = normalize(join(root, pathname));
    // Never outside the build folder, whatever `..` or encoded separators the path holds.
    const inside = candidate === root || candidate.startsWith(root + sep);
    const file = inside && isFile(candidate) ? candidate : null;
    if (file) {
      const immutable = pathname.startsWith('/assets/');
      send(req, res, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return true;
    }
    // A missing file with an extension is a real 404 (a stale asset); a path without one is a client route.
    if (extname(pathname) !== '') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return true;
    }
    send(req, res, indexFile, 'no-cache');
    return true;
  };
}

function decodePath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return null;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function send(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): void {
  const { size } = statSync(file);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
