import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `tandem` command line, as the console's benchmarks run it: a child process from apps/api's sources
 * through tsx, as the e2e tests start it (test/e2e/api-process.ts), so that a benchmark measures the code
 * in the tree without a build of the API first. The console reaches the API only like this and through
 * GraphQL; it never imports the API's code (the layer rule console-not-to-api in .dependency-cruiser.json).
 */
export const API_DIR = fileURLToPath(new URL('../../api/', import.meta.url));

/** Node's arguments that run `tandem …args`. */
export function tandemArgs(args: readonly string[]): string[] {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', tsx, join(API_DIR, 'src/cli.ts'), ...args];
}

/** Runs one `tandem` command to its end in `cwd` and resolves with what it printed on stdout. */
export function runTandem(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, tandemArgs(args), { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tandem ${args.join(' ')} failed (${error.message}):\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}
