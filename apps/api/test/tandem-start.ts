import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// Resolved here: the process runs in a temporary folder, where `--import tsx` would not be found.
const TSX = import.meta.resolve('tsx');

/** A `tandem start` running as a child process, as a user starts it. */
export interface TandemStart {
  /** `http://host:port`: GraphQL for roles that serve it, health and metrics for a worker. */
  url: string;
  /** The key of the first start's `Admin API key:` line; '' when it printed none. */
  adminKey: string;
  stdout: string[];
  stderr: string[];
  child: ChildProcess;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: nothing cleaned up), then its exit code. */
  kill(): Promise<number | null>;
}

/**
 * Runs `tandem start ARGS` from source in `cwd` on a free port and resolves once it prints where it listens
 * (`GraphQL API: …/graphql`, or a worker's `Health: …/healthz`); rejects with everything it printed if it
 * exits or says nothing within a minute.
 */
export async function startTandem(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<TandemStart> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const child = spawn(process.execPath, ['--import', TSX, CLI, 'start', ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', TANDEM_ADMIN_DIR: join(options.cwd, 'no-console'), ...options.env },
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let adminKey = '';
  const url = await new Promise<string>((resolve, reject) => {
    const printed = () => [...stdout, ...stderr].join('\n');
    const timer = setTimeout(() => reject(new Error(`tandem start said nothing in time:\n${printed()}`)), 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tandem start exited with ${code}:\n${printed()}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      adminKey = /^Admin API key: (\S+)$/.exec(line)?.[1] ?? adminKey;
      const match = /^(?:GraphQL API: (\S+)\/graphql|Health: (\S+)\/healthz)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve((match[1] ?? match[2])!);
      }
    });
  });
  return {
    url,
    // Printed before the URL line, so known by now.
    adminKey,
    stdout,
    stderr,
    child,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}
