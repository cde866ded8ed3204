import type { LogLevel } from '../src/artifacts/work-order-artifacts.js';
import type { ActivityDeps } from './activity-deps.js';

/** One fact about a work order: to the worker's log stream and to the work order's own log that the API serves. */
export async function workOrderEvent(
  deps: Pick<ActivityDeps, 'logger' | 'artifacts'>,
  agentWorkOrderId: string,
  step: string | null,
  level: LogLevel,
  event: string,
  fields: Record<string, unknown> = {},
): Promise<void> {
  deps.logger[level]({ agent_work_order_id: agentWorkOrderId, step, event, ...fields }, event);
  await deps.artifacts.appendLog({ timestamp: new Date().toISOString(), level, event, agent_work_order_id: agentWorkOrderId, step, ...fields });
}
