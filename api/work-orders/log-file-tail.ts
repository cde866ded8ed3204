import { open } from 'node:fs/promises';
import type { WorkOrderLogEntry } from '../../src/artifacts/work-order-artifacts.js';

export interface NumberedLogEntry {
  /** 1-based line number in logs.jsonl: the SSE event id, so a reconnecting client resumes after it. */
  line: number;
  entry: WorkOrderLogEntry;
}

/** Reads the lines appended to a JSONL file since the last call; a line still being written waits for the next call. */
export class LogFileTail {
  private offset = 0;
  private lineNumber = 0;
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly file: string) {}

  async readNew(): Promise<NumberedLogEntry[]> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const chunks: Buffer[] = [];
    try {
      for (;;) {
        const buffer = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        chunks.push(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    // Split on the last newline byte, not on decoded text, so a character cut by a write in progress is kept whole.
    const data = Buffer.concat([this.partial, ...chunks]);
    const end = data.lastIndexOf(0x0a);
    this.partial = end === -1 ? data : data.subarray(end + 1);
    if (end === -1) return [];
    const lines = data.subarray(0, end).toString('utf8').split('\n');
    const entries: NumberedLogEntry[] = [];
    for (const line of lines) {
      this.lineNumber += 1;
      if (!line.trim()) continue;
      try {
        entries.push({ line: this.lineNumber, entry: JSON.parse(line) as WorkOrderLogEntry });
      } catch {
        // A line cut short by a crash mid-write: skipped, as readLog does.
      }
    }
    return entries;
  }
}
