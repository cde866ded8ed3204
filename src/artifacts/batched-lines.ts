import type { SerialWriter } from './serial-writer.js';

/**
 * Lines for one file, queued on a SerialWriter but written with one append per batch: the lines that arrive while
 * earlier writes run go out together. An agent's output came one append (and one folder check) per line, and the
 * step's end waited for the tail of that queue.
 */
export class BatchedLines {
  private pending: string[] = [];

  constructor(
    private readonly writer: SerialWriter,
    private readonly append: (lines: string[]) => Promise<void>,
  ) {}

  push(line: string): void {
    this.pending.push(line);
    if (this.pending.length > 1) return;
    this.writer.push(async () => {
      const lines = this.pending;
      this.pending = [];
      await this.append(lines);
    });
  }
}
