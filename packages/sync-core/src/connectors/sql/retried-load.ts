/**
 * A load shared by every caller once it started; a failure is forgotten, so the next call tries again
 * (a table that is not there yet, or lacks a column, may be fixed before the next job).
 */
export class RetriedLoad<T> {
  private pending: Promise<T> | null = null;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.pending) {
      const pending = this.load();
      this.pending = pending;
      pending.catch(() => {
        if (this.pending === pending) this.pending = null;
      });
    }
    return this.pending;
  }

  forget(): void {
    this.pending = null;
  }
}
