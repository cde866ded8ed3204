import { appendFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { LogFileTail, parseLogLine } from './log-file-tail.js';
import { matchesLogFilter } from './log-entries.js';
import type { WorkOrderLogEntry } from '../models/work-order-log-entry.js';
import type { LogFollower, LogPage, LogPageQuery, WorkOrderLogStore } from './work-order-log-store.js';
import { makeFolder } from '../files/make-folder.js';

export const logFileName = 'logs.jsonl';

/**
 * One JSONL file per work order, `work-orders/<id>/logs.jsonl`, beside the work order's other artifacts: the embedded
 * default, where the API and the worker share one host. A line's number is its position.
 */
export class FileLogStore implements WorkOrderLogStore {
  readonly kind = 'files' as const;

  constructor(private readonly workOrderDir: string) {}

  logFile(agentWorkOrderId: string): string {
    return path.join(this.workOrderDir, agentWorkOrderId, logFileName);
  }

  async append(entries: readonly WorkOrderLogEntry[]): Promise<void> {
    for (const [agentWorkOrderId, lines] of groupByWorkOrder(entries)) {
      const file = this.logFile(agentWorkOrderId);
      await makeFolder(path.dirname(file));
      // One write per work order and batch: lines of a batch land together, in order.
      await appendFile(file, lines.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    }
  }

  async page(agentWorkOrderId: string, query: LogPageQuery): Promise<LogPage> {
    const matching = (await this.readAll(agentWorkOrderId)).filter((entry) => matchesLogFilter(entry, query));
    return { entries: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
  }

  follow(agentWorkOrderId: string, afterSeq: number): LogFollower {
    return new LogFileTail(this.logFile(agentWorkOrderId), afterSeq);
  }

  /**
   * None: a log file belongs to its work order's folder, which retention removes whole once the work order has
   * ended and nothing in its sandbox would be lost (and keeps, log included, while it would).
   */
  async findExpired(): Promise<string[]> {
    return [];
  }

  async remove(agentWorkOrderIds: readonly string[]): Promise<void> {
    for (const id of agentWorkOrderIds) await rm(this.logFile(id), { force: true });
  }

  async close(): Promise<void> {}

  async readAll(agentWorkOrderId: string): Promise<WorkOrderLogEntry[]> {
    let text: string;
    try {
      text = await readFile(this.logFile(agentWorkOrderId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text.split('\n').flatMap((line) => parseLogLine(line) ?? []);
  }
}

export function groupByWorkOrder(entries: readonly WorkOrderLogEntry[]): Map<string, WorkOrderLogEntry[]> {
  const groups = new Map<string, WorkOrderLogEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.agent_work_order_id);
    if (group) group.push(entry);
    else groups.set(entry.agent_work_order_id, [entry]);
  }
  return groups;
}
