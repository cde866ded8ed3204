import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { retentionScheduleId } from '../client/retention-schedules.js';
import type { Logger } from '../../src/logger.js';
import { type RetentionCleanupInput, retentionCleanupWorkflowName } from '../../workflows/retention.workflow.js';

export interface RetentionScheduleOptions {
  /** Where the cleanup workflow runs (any worker); its activities go to `hostTaskQueue`. */
  sharedTaskQueue: string;
  hostTaskQueue: string;
  hostId: string;
  retentionDays: number;
  /** How often the cleanup runs; hourly unless told otherwise. */
  interval?: Duration;
}

/**
 * Creates the host's retention Schedule, or brings an existing one up to date (retention days, queues, interval):
 * every worker start calls this, so it must never create a second schedule or fail because one exists. A schedule an
 * administrator paused in the Web UI stays paused.
 */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions, logger?: Logger): Promise<'created' | 'updated'> {
  const scheduleId = retentionScheduleId(options.hostId);
  const input: RetentionCleanupInput = { hostTaskQueue: options.hostTaskQueue, retentionDays: options.retentionDays };
  const spec = { intervals: [{ every: options.interval ?? '1 hour' }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: retentionCleanupWorkflowName,
    taskQueue: options.sharedTaskQueue,
    args: [input],
    // Bounds a run whose host never answers; the activities' own timeouts normally end it first.
    workflowExecutionTimeout: '2 hours',
    staticSummary: `retention cleanup of ${options.hostId}: work orders older than ${options.retentionDays} days`,
  };
  // Never two cleanups of one host at once; a run missed while the server was down is not worth replaying later.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' };
  const fields = { schedule_id: scheduleId, retention_days: options.retentionDays, host_task_queue: options.hostTaskQueue };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies,
      state: { note: `Agent Work Orders retention for worker host ${options.hostId}; trigger it here to run a cleanup now.` },
    });
    logger?.info({ event: 'retention_schedule_created', ...fields }, 'retention_schedule_created');
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
  logger?.info({ event: 'retention_schedule_updated', ...fields }, 'retention_schedule_updated');
  return 'updated';
}
