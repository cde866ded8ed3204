import { findOpenWorkOrders, type RetentionDeps } from './retention-cleanup.js';

/**
 * Removes the logs of ended work orders whose newest entry is before `cutoff`. In files this finds nothing: a log
 * file goes with its work-order folder. In PostgreSQL every host's run prunes the shared tables, including logs of
 * hosts that are gone for good; removing what another host's run removed first is a no-op.
 */
export async function pruneWorkOrderLogs(deps: RetentionDeps, input: { cutoff: string }): Promise<{ removed: string[] }> {
  const store = await deps.logStore();
  const expired = await store.findExpired(new Date(input.cutoff));
  // A work order that waited in the admission queue longer than the retention period is still open: its log stays.
  const { open } = await findOpenWorkOrders(deps, { agentWorkOrderIds: expired });
  const removed = expired.filter((id) => !open.includes(id));
  await store.remove(removed);
  if (removed.length > 0) deps.logger.info({ event: 'retention_logs_pruned', store: store.kind, work_orders: removed.length }, 'retention_logs_pruned');
  return { removed };
}
