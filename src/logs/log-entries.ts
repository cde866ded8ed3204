import type { WorkOrderLogEntry } from '../models/work-order-log-entry.js';

/** An entry with its position in the work order's log (1, 2, ...): the SSE event id a reconnecting client resumes after. */
export interface NumberedLogEntry {
  seq: number;
  entry: WorkOrderLogEntry;
}

export interface LogFilter {
  level?: string;
  step?: string;
  /** Only entries strictly after this instant. */
  since?: string;
}

export function matchesLogFilter(entry: WorkOrderLogEntry, filter: LogFilter): boolean {
  if (filter.level && entry.level !== filter.level) return false;
  if (filter.step && entry.step !== filter.step) return false;
  if (filter.since && !(Date.parse(entry.timestamp) > Date.parse(filter.since))) return false;
  return true;
}
