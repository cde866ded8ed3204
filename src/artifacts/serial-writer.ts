/** Runs writes one after another so lines of a log keep the order their events arrived in. */
export class SerialWriter {
  private tail: Promise<void> = Promise.resolve();
  private firstError: unknown = null;

  push(write: () => Promise<void>): void {
    this.tail = this.tail.then(write).catch((error: unknown) => {
      this.firstError ??= error;
    });
  }

  /** Waits for every queued write; rethrows the first failure so lost output is never silent. */
  async flush(): Promise<void> {
    await this.tail;
    if (this.firstError) throw this.firstError;
  }
}
