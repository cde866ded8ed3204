import { open } from 'node:fs/promises';
import type { NumberedLogEntry } from './log-entries.js';
import type { WorkOrderLogEntry } from '../models/work-order-log-entry.js';

/** Reads the lines appended to a JSONL file since the last call; a line still being written waits for the next call. */
export class LogFileTail {
  private offset = 0;
  private lineNumber = 0;
  private partial: Buffer = Buffer.alloc(0);

  /** Lines up to `afterLine` are read but not returned: a reconnecting client has them already. */
  constructor(
    private readonly file: string,
    private readonly afterLine = 0,
  ) {}

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
    const entries: NumberedLogEntry[] = [];
    for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
      this.lineNumber += 1;
      if (this.lineNumber <= this.afterLine) continue;
      const entry = parseLogLine(line);
      if (entry) entries.push({ seq: this.lineNumber, entry });
    }
    return entries;
  }
}

/** A line cut short by a crash mid-write is skipped rather than failing every read of the log. */
export function parseLogLine(line: string): WorkOrderLogEntry | null {
  if (!line.trim()) return null;
  try {
    return JSON.parse(line) as WorkOrderLogEntry;
  } catch {
    return null;
  }
}
