import type { SyncJobSnapshot } from '@tandem/sync-core';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const WIDTH = 24;

/**
 * A one-line progress display for `tandem sync run` in a terminal. A job does not know how many records
 * it will read, so the bar runs against the previous snapshot's pace (a moving band) while the counters
 * say what has been done; on a pipe nothing is drawn, only the final line is printed.
 */
export class TerminalProgress {
  private frame = 0;
  private readonly started = Date.now();

  constructor(
    private readonly mapping: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  update(job: SyncJobSnapshot): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.out.write(`\r${progressLine(this.mapping, job, this.frame, Date.now() - this.started)}\x1b[K`);
  }

  done(): void {
    this.out.write('\r\x1b[K');
  }
}

/** The line drawn for a job at one moment: pure, so it is tested without a terminal. */
export function progressLine(mapping: string, job: SyncJobSnapshot, frame: number, elapsedMs: number): string {
  const band = frame % WIDTH;
  const bar = Array.from({ length: WIDTH }, (_, i) => (Math.abs(i - band) <= 2 ? '█' : '░')).join('');
  const counts = `read ${job.processed} · +${job.inserted} ~${job.modified} coupled ${job.coupled} failed ${job.failed}`;
  return `${FRAMES[frame % FRAMES.length]} ${mapping} ${job.status.toLowerCase()} ${bar} ${counts} · ${(elapsedMs / 1000).toFixed(1)} s`;
}
