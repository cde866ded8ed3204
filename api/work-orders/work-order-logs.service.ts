import { Inject, Injectable } from '@nestjs/common';
import type { WorkOrderArtifacts, WorkOrderLogEntry } from '../../src/artifacts/work-order-artifacts.js';
import type { WorkOrderLogsQuery } from '../../src/models/work-order-request.js';
import { WORK_ORDER_ARTIFACTS } from '../core/api-tokens.js';
import type { WorkOrderLogs } from './work-order.dto.js';
import { WorkOrderStateReader } from './work-order-state.reader.js';

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

/** A page of a work order's log: the worker's events and the agent's stream-json events, persisted under work-orders/<id>/. */
@Injectable()
export class WorkOrderLogsService {
  constructor(
    @Inject(WORK_ORDER_ARTIFACTS) private readonly artifacts: WorkOrderArtifacts,
    private readonly reader: WorkOrderStateReader,
  ) {}

  async page(agentWorkOrderId: string, query: WorkOrderLogsQuery): Promise<WorkOrderLogs> {
    await this.reader.describe(agentWorkOrderId);
    const entries = (await this.artifacts.readLog(agentWorkOrderId)).filter((entry) => matchesLogFilter(entry, query));
    return {
      agent_work_order_id: agentWorkOrderId,
      log_entries: entries.slice(query.offset, query.offset + query.limit),
      total: entries.length,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
