import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { Logger } from '../src/logger.js';
import { type RetentionCleanupInput, retentionCleanupWorkflowName } from '../workflows/retention.workflow.js';

export interface RetentionScheduleOptions {
  /** Where the cleanup workflow runs (any worker); its activities go to `hostTaskQueue`. */
  sharedTaskQueue: string;
  hostTaskQueue: string;
  hostId: string;
  retentionDays: number;
  /** How often the cleanup runs; hourly unless told otherwise. */
  interval?: Duration;
}

const scheduleIdPrefix = 'awo-retention-';

/** One schedule per worker host: each host's AWO_HOME holds its own sandboxes, mirrors and work-order folders. */
export function retentionScheduleId(hostId: string): string {
  return `${scheduleIdPrefix}${hostId}`;
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

export interface TriggeredRetention {
  scheduleId: string;
  /** The cleanup run the trigger started; null when it is still waiting behind a running one. */
  workflowId: string | null;
}

/**
 * Runs the host's cleanup now, as the Web UI's "Trigger" does. A run already in progress is not doubled: this one is
 * buffered and starts when that one ends. Throws ScheduleNotFoundError when no worker of that host ever started.
 */
export async function triggerRetention(client: Client, hostId: string, waitForStartMs = 10_000): Promise<TriggeredRetention> {
  const handle = client.schedule.getHandle(retentionScheduleId(hostId));
  const actionsBefore = (await handle.describe()).info.numActionsTaken;
  await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
  const deadline = Date.now() + waitForStartMs;
  do {
    // Counted rather than compared by id: a schedule names its runs by the second, so two runs may share an id.
    const { info } = await handle.describe();
    if (info.numActionsTaken > actionsBefore) return { scheduleId: handle.scheduleId, workflowId: info.recentActions.at(-1)?.action.workflow.workflowId ?? null };
    await sleep(100);
  } while (Date.now() < deadline);
  return { scheduleId: handle.scheduleId, workflowId: null };
}

/** Every host's retention schedule: what an API process, which holds no sandboxes itself, triggers. */
export async function listRetentionScheduleIds(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const schedule of client.schedule.list()) {
    if (schedule.scheduleId.startsWith(scheduleIdPrefix)) ids.push(schedule.scheduleId);
  }
  return ids.sort();
}

/** The host id a schedule id stands for (the reverse of retentionScheduleId). */
export function retentionHostId(scheduleId: string): string {
  return scheduleId.slice(scheduleIdPrefix.length);
}
