import type { Logger } from '../logger.js';
import type { WorkOrderLogEntry } from '../models/work-order-log-entry.js';
import type { WorkOrderLogStore } from './work-order-log-store.js';

/** What the activities write a work order's log through: appends return at once, a flush waits for the store. */
export interface WorkOrderLogWriter {
  append(entry: WorkOrderLogEntry): void;
  /** Writes everything appended so far; rejects when the store refused it (the entries stay queued for a retry). */
  flush(): Promise<void>;
}

export interface BatchedLogWriterOptions {
  /** Opened on the first write, so a worker starts while the database is still coming up. */
  store: () => Promise<WorkOrderLogStore>;
  logger: Logger;
  /** Entries written in one round trip at most. */
  maxBatch?: number;
  /** How long an entry may wait for others to share its round trip. */
  delayMs?: number;
  /** Past this many unwritten entries (a store down for long), the oldest are dropped rather than filling memory. */
  maxQueued?: number;
}

/**
 * Collects log entries and writes them in batches: an agent step emits hundreds of events, and one round trip each
 * would make the database the agent's pace. Batches are written one after another, so entries keep their order.
 */
export class BatchedLogWriter implements WorkOrderLogWriter {
  private queue: WorkOrderLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly maxQueued: number;

  constructor(private readonly options: BatchedLogWriterOptions) {
    this.maxBatch = options.maxBatch ?? 500;
    this.delayMs = options.delayMs ?? 200;
    this.maxQueued = options.maxQueued ?? 20_000;
  }

  append(entry: WorkOrderLogEntry): void {
    this.queue.push(entry);
    if (this.queue.length > this.maxQueued) {
      this.queue.shift();
      if (this.dropped++ === 0) this.options.logger.error({ event: 'logs_entries_dropped', max_queued: this.maxQueued }, 'logs_entries_dropped');
    }
    this.schedule(this.queue.length >= this.maxBatch ? 0 : this.delayMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const written = this.writing.then(() => this.drain());
    this.writing = written.catch((error: unknown) => {
      this.options.logger.warn({ event: 'logs_batch_write_failed', queued: this.queue.length, error: String(error) }, 'logs_batch_write_failed');
      // Tried again later: a database restarting must not cost the log.
      this.schedule(Math.max(this.delayMs, 1_000));
    });
    return written;
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failure is logged and retried by flush itself.
      this.flush().catch(() => undefined);
    }, delayMs);
    // A pending batch must not keep a process alive; the worker flushes at shutdown.
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      await (await this.options.store()).append(batch);
      // Overflow may have dropped entries from the front meanwhile: remove up to the batch's last entry, if still there.
      const last = this.queue.indexOf(batch.at(-1)!);
      if (last >= 0) this.queue.splice(0, last + 1);
    }
    if (this.dropped > 0) {
      this.options.logger.warn({ event: 'logs_entries_dropped', count: this.dropped }, 'logs_entries_dropped');
      this.dropped = 0;
    }
  }
}
