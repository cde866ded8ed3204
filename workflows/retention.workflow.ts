import { patched, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { createRetentionActivities } from '../activities/retention.activities.js';
import type { RetentionReport } from '../src/retention/retention-types.js';

type RetentionActivities = ReturnType<typeof createRetentionActivities>;

export interface RetentionCleanupInput {
  /** The host whose AWO_HOME is cleaned: every activity runs on its queue, where its folders are. */
  hostTaskQueue: string;
  /** AWO_RETENTION_DAYS when the worker started; the host's current setting, if it has one, wins. */
  retentionDays: number;
}

export type RetentionCleanupResult = RetentionReport & { reportFile: string };

export const retentionCleanupWorkflowName = 'retentionCleanupWorkflow';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * One retention pass over a worker host: expired work-order folders are removed unless their work order is still
 * open or their sandbox holds work that exists nowhere else (reported instead), then orphaned worktrees, unused
 * mirrors and expired logs of ended work orders in the log store go. Started every hour by the host's Schedule (`awo-retention-<hostId>`) or on demand.
 */
export async function retentionCleanupWorkflow(input: RetentionCleanupInput): Promise<RetentionCleanupResult> {
  const host = proxyActivities<RetentionActivities>({
    taskQueue: input.hostTaskQueue,
    startToCloseTimeout: '30 minutes',
    // A host that is gone for good fails the run instead of holding it, and through the overlap policy every later run.
    scheduleToCloseTimeout: '45 minutes',
    retry: { maximumAttempts: 3, initialInterval: '5s' },
  });

  const retentionDays = await host.effectiveRetentionDays({ scheduledDays: input.retentionDays });
  // Workflow time is recorded in history, so a replay computes the same cutoff.
  const startedAt = new Date();
  const cutoff = new Date(startedAt.getTime() - retentionDays * dayMs).toISOString();
  const report: RetentionReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    hostTaskQueue: input.hostTaskQueue,
    retentionDays,
    cutoff,
    removed: [],
    kept: [],
    unpushed: [],
    prunedWorktrees: [],
    removedMirrors: [],
  };

  const expired = await host.scanExpiredWorkOrders({ cutoff });
  const { open } = await host.findOpenWorkOrders({ agentWorkOrderIds: expired.map((workOrder) => workOrder.agentWorkOrderId) });
  for (const { agentWorkOrderId } of expired) {
    if (open.includes(agentWorkOrderId)) {
      report.kept.push({ id: agentWorkOrderId, reason: 'work_order_open' });
      continue;
    }
    const outcome = await host.removeExpiredWorkOrder({ agentWorkOrderId });
    if (outcome.outcome === 'removed') {
      report.removed.push(outcome.id);
    } else {
      report.kept.push({ id: outcome.id, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) });
      if (outcome.unpushed) report.unpushed.push(outcome.unpushed);
    }
  }

  const pruned = await host.pruneRepositories({ cutoff });
  report.prunedWorktrees = pruned.prunedWorktrees;
  report.removedMirrors = pruned.removedMirrors;
  // Runs started before the log store existed replay without this activity.
  if (patched('retention-prunes-work-order-logs')) report.prunedLogs = (await host.pruneWorkOrderLogs({ cutoff })).removed;
  report.finishedAt = new Date().toISOString();
  const { reportFile } = await host.recordRetentionReport({ report });
  setCurrentDetails(
    [
      `**retention** on \`${input.hostTaskQueue}\`, older than ${retentionDays} days (before ${cutoff})`,
      `removed: ${report.removed.length}, kept: ${report.kept.length}, unpushed work: ${report.unpushed.length}`,
      `worktrees pruned: ${report.prunedWorktrees.length}, mirrors removed: ${report.removedMirrors.length}, logs pruned: ${report.prunedLogs?.length ?? 0}`,
      `report: ${reportFile}`,
    ].join('\n'),
  );
  return { ...report, reportFile };
}
