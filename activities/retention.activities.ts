import {
  findOpenWorkOrders,
  pruneRepositories,
  recordRetentionReport,
  removeExpiredWorkOrder,
  type RetentionDeps,
  scanExpiredWorkOrders,
} from '../src/retention/retention-cleanup.js';
import { pruneWorkOrderLogs } from '../src/retention/log-retention.js';
import type { RetentionReport } from '../src/retention/retention-types.js';

/** The retention workflow's activities: thin wrappers over the host's cleanup in src/retention/. */
export function createRetentionActivities(deps: RetentionDeps) {
  return {
    /** The schedule carries the days in effect when the worker started; a setting changed since then wins. */
    async effectiveRetentionDays(input: { scheduledDays: number }): Promise<number> {
      return (await deps.retentionDays?.()) ?? input.scheduledDays;
    },
    scanExpiredWorkOrders: (input: { cutoff: string }) => scanExpiredWorkOrders(deps, input),
    findOpenWorkOrders: (input: { agentWorkOrderIds: string[] }) => findOpenWorkOrders(deps, input),
    removeExpiredWorkOrder: (input: { agentWorkOrderId: string }) => removeExpiredWorkOrder(deps, input),
    pruneRepositories: (input: { cutoff: string }) => pruneRepositories(deps, input),
    pruneWorkOrderLogs: (input: { cutoff: string }) => pruneWorkOrderLogs(deps, input),
    recordRetentionReport: (input: { report: RetentionReport }) => recordRetentionReport(deps, input),
  };
}
