import type { NumberedLogEntry } from './log-entries.js';
import type { LogLevel, WorkOrderLogEntry } from '../models/work-order-log-entry.js';

export interface LogPageQuery {
  limit: number;
  offset: number;
  level?: LogLevel;
  step?: string;
}

export interface LogPage {
  entries: WorkOrderLogEntry[];
  /** Entries matching the filters, on every page. */
  total: number;
}

/** Reads a work order's log from a position on: the backlog at the first call, what was appended since at each next. */
export interface LogFollower {
  readNew(): Promise<NumberedLogEntry[]>;
}

/**
 * Where work orders' logs live: the workers append, the API pages and follows, retention prunes. Files under each
 * worker host's `work-orders/<id>/logs.jsonl` when the service runs on one host; PostgreSQL (AWO_DATABASE_URL) when
 * the API and the workers run apart and the API must not read a worker's disk.
 */
export interface WorkOrderLogStore {
  readonly kind: 'files' | 'postgresql';
  /** Entries of one or several work orders, each work order's in the order given. */
  append(entries: readonly WorkOrderLogEntry[]): Promise<void>;
  page(agentWorkOrderId: string, query: LogPageQuery): Promise<LogPage>;
  /** Entries after position `afterSeq` (0: from the start). It never says the log has ended: Temporal knows that. */
  follow(agentWorkOrderId: string, afterSeq: number): LogFollower;
  /** Work orders whose newest entry is older than `cutoff`: candidates for pruning. */
  findExpired(cutoff: Date): Promise<string[]>;
  /** Removes these work orders' logs entirely. */
  remove(agentWorkOrderIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
