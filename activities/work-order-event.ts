import type { LogLevel } from '../src/models/work-order-log-entry.js';
import type { ActivityDeps } from './activity-deps.js';

/**
 * One fact about a work order: to the worker's log stream and to the work order's own log that the API serves. The
 * log entry is queued for the next batch; the activity wrapper flushes before the activity completes.
 */
export function workOrderEvent(
  deps: Pick<ActivityDeps, 'logger' | 'logs'>,
  agentWorkOrderId: string,
  step: string | null,
  level: LogLevel,
  event: string,
  fields: Record<string, unknown> = {},
): void {
  deps.logger[level]({ agent_work_order_id: agentWorkOrderId, step, event, ...fields }, event);
  deps.logs.append({ timestamp: new Date().toISOString(), level, event, agent_work_order_id: agentWorkOrderId, step, ...fields });
}
