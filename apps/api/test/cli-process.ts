import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = promisify(execFile);
// Resolved here: the command runs in a temporary folder, where `--import tsx` would not be found.
const TSX = import.meta.resolve('tsx');

/** Runs the real `tandem` command (from source) in a folder; resolves with its exit code and output. */
export async function tandem(cwd: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { ...process.env, TANDEM_DATA_DIR: join(cwd, 'data') },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
