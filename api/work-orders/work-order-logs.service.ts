import { Inject, Injectable } from '@nestjs/common';
import type { WorkOrderLogStore } from '../../src/logs/work-order-log-store.js';
import type { WorkOrderLogsQuery } from '../../src/models/work-order-request.js';
import { WORK_ORDER_LOG_STORE } from '../core/api-tokens.js';
import type { WorkOrderLogs } from './work-order.dto.js';
import { WorkOrderStateReader } from './work-order-state.reader.js';

/** A page of a work order's log (the worker's events and the agent's stream-json events), from the log store. */
@Injectable()
export class WorkOrderLogsService {
  constructor(
    @Inject(WORK_ORDER_LOG_STORE) private readonly logStore: WorkOrderLogStore,
    private readonly reader: WorkOrderStateReader,
  ) {}

  async page(agentWorkOrderId: string, query: WorkOrderLogsQuery): Promise<WorkOrderLogs> {
    await this.reader.describe(agentWorkOrderId);
    const page = await this.logStore.page(agentWorkOrderId, query);
    return { agent_work_order_id: agentWorkOrderId, log_entries: page.entries, total: page.total, limit: query.limit, offset: query.offset };
  }
}
