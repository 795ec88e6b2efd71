/**
 * Passes on at most one value per interval, always the latest, and never runs two emits at once. The engine
 * reports progress after every batch, which can be hundreds of times a second; storing and announcing each
 * would load the database and flood subscribers, while the last value must still arrive.
 */
export class ProgressThrottle<T> {
  private latest: { value: T } | null = null;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: T) => Promise<void> | void,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  push(value: T): void {
    this.latest = { value };
    if (this.timer) return; // a trailing emit is already planned and will take the latest value
    const wait = this.lastEmitAt + this.intervalMs - Date.now();
    if (wait <= 0) this.fire();
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Drops a value not yet emitted and waits for an emit in progress: the caller records the final state itself. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
    await this.chain;
  }

  private fire(): void {
    this.timer = null;
    const pending = this.latest;
    if (!pending) return;
    this.latest = null;
    this.lastEmitAt = Date.now();
    this.chain = this.chain.then(() => this.emit(pending.value)).catch(this.onError);
  }
}
