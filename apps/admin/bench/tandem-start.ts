import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tandemArgs } from './tandem-cli.js';

export interface TandemServer {
  url: string;
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
 * `tandem start --no-demo` as a user runs it, in a child process (the browser's and this process's work
 * stay off its event loop), over the store file `storePath`, serving the console build `adminDir`
 * (TANDEM_ADMIN_DIR). The config has no connectors and no mappings, so no job runs and nothing else writes
 * while the page is measured; it binds to 127.0.0.1 only. NODE_ENV=production as deployed.
 */
export async function startTandem(cwd: string, storePath: string, adminDir: string): Promise<TandemServer> {
  const port = await freePort();
  const config = join(cwd, 'tandem.config.json');
  writeFileSync(
    config,
    JSON.stringify({ database: { url: `sqlite:${storePath}` }, server: { host: '127.0.0.1' }, connectors: {} }),
  );
  const child: ChildProcess = spawn(process.execPath, tandemArgs(['start', '--no-demo', '--config', config]), {
    cwd,
    env: { ...process.env, TANDEM_ADMIN_DIR: adminDir, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tandem start did not listen in 120 s:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('GraphQL API:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tandem start exited with ${code}:\n${output}`));
    });
  });
  if (!output.includes('Console:')) throw new Error(`tandem start does not serve the console build:\n${output}`);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.removeAllListeners('exit');
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
