import path from 'node:path';
import { type Client, WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/activity-deps.js';
import type { RetentionDeps } from '../../src/retention/retention-cleanup.js';
import type { AppConfig } from '../../src/config.js';
import type { SettingsReader } from '../../src/settings/settings-service.js';

/** Statuses of a workflow run that will not change again; anything else (running, paused, unknown) counts as open. */
const closedStatuses = new Set<WorkflowExecutionStatusName>(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT', 'CONTINUED_AS_NEW']);

/**
 * Temporal is the only record of whether a work order is open: the latest run of the workflow with its id. A workflow
 * Temporal never heard of (or whose history it already dropped) is not open. Any other error propagates, so retention
 * retries rather than deleting on a guess.
 */
export function workOrderOpenProbe(client: Client): (agentWorkOrderId: string) => Promise<boolean> {
  return async (agentWorkOrderId) => {
    try {
      const description = await client.workflow.getHandle(agentWorkOrderId).describe();
      return !closedStatuses.has(description.status.name);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };
}

/** Retention on this host shares the work-order activities' sandbox manager (and so its mirror lock). */
export function createRetentionDeps(config: AppConfig, activityDeps: ActivityDeps, client: Client, settings: Pick<SettingsReader, 'retentionDays'>): RetentionDeps {
  return {
    logger: activityDeps.logger,
    sandboxes: activityDeps.sandboxes,
    workOrderDir: config.workOrderDir,
    repositoryDir: config.repositoryDir,
    reportDir: path.join(config.configDir, 'retention'),
    isWorkOrderOpen: workOrderOpenProbe(client),
    // A retention period saved through the settings API applies at the next run, without recreating the schedule.
    retentionDays: () => settings.retentionDays(),
  };
}
