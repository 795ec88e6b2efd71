import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * A TypeScript script run as a child process (through tsx) that speaks one line at a time: the test writes
 * words to its stdin and waits for the lines it prints. Its stderr goes to the test's.
 */
export class LineProcess {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly heard: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(script: string, args: string[], cwd: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.heard.push(line));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  /** The first line printed so far that matches, waited for up to `timeoutMs`. */
  async line(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.heard) {
        const match = line.match(pattern);
        if (match) return match;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for a line matching ${pattern}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  tell(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  kill(): void {
    this.child.kill();
  }
}
