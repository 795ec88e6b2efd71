import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const API_DIR = fileURLToPath(new URL('../../../api/', import.meta.url));

/** The console build under test: apps/admin/dist, or TANDEM_ADMIN_DIR (a build of its own, `vite build --outDir`). */
export const ADMIN_DIST = process.env.TANDEM_ADMIN_DIR ?? fileURLToPath(new URL('../../dist/', import.meta.url));

export interface ApiProcess {
  url: string;
  adminKey: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `tandem start` exactly as a user runs it with no config (the demo), in a fresh folder, as a child
 * process: started with node and tsx's loader directly (not npx), so that killing it kills the server.
 * Resolves once the API listens, with the admin key it printed on this first start.
 */
export async function startApi(): Promise<ApiProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'tandem-admin-e2e-'));
  const dataDir = join(folder, 'data');
  const port = await freePort();
  const tsx = pathToFileURL(createRequire(join(API_DIR, 'package.json')).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(API_DIR, 'src/cli.ts'), 'start'], {
    cwd: folder,
    env: {
      ...process.env,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_DIR: ADMIN_DIST,
      PORT: String(port),
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = new Promise<{ adminKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const key = /Admin API key: (\S+)/.exec(output)?.[1];
      if (key && output.includes('GraphQL API:')) {
        clearTimeout(timer);
        resolve({ adminKey: key });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited with ${code}:\n${output}`));
    });
  });
  const { adminKey } = await started;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey,
    dataDir,
    stop: async () => {
      await stopChild(child);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A GraphQL request as a script would make it, for setting up and checking what the UI cannot show. */
export async function graphqlRequest<T>(
  api: { url: string },
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A new API key with `role`, made by the admin through the API; returns the key itself (shown once). */
export async function createApiKey(api: ApiProcess, role: 'VIEWER' | 'OPERATOR', name: string): Promise<string> {
  const created = await graphqlRequest<{ createApiKey: { key?: string } }>(
    api,
    api.adminKey,
    'mutation($name: String!, $role: ApiKeyRole!) { createApiKey(name: $name, role: $role) { ... on CreateApiKeyPayload { key } } }',
    { name, role },
  );
  if (!created.createApiKey.key) throw new Error(`no ${role} key was created: ${JSON.stringify(created)}`);
  return created.createApiKey.key;
}

/** Fails a test file's setup at once, with what to do, when there is no console build to serve. */
export function requireConsoleBuild(): void {
  if (!existsSync(join(ADMIN_DIST, 'index.html'))) {
    throw new Error(
      `${ADMIN_DIST} has no console build: run 'pnpm --filter @tandem/admin build', or point TANDEM_ADMIN_DIR at one`,
    );
  }
}

/** The demo's first items job rejects one product (too long for the ERP): waits for that open error. */
export async function waitForDemoError(api: ApiProcess): Promise<void> {
  await waitFor('the demo to open an error', async () => {
    const data = await graphqlRequest<{ syncErrors: { totalCount: number } }>(
      api,
      api.adminKey,
      '{ syncErrors(filter: { statuses: [OPEN] }) { totalCount } }',
    );
    return data.syncErrors.totalCount > 0;
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
