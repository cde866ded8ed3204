export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of a work order's log: the worker's structured events and the agent's stream-json events alike. */
export interface WorkOrderLogEntry {
  timestamp: string;
  level: LogLevel;
  event: string;
  agent_work_order_id: string;
  step: string | null;
  [field: string]: unknown;
}

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
