import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/activity-deps.js';
import type { RetentionDeps } from '../../src/retention/retention-cleanup.js';
import type { AppConfig } from '../../src/config.js';
import type { WorkOrderLogStore } from '../../src/logs/work-order-log-store.js';
import type { SettingsReader } from '../../src/settings/settings-service.js';
import { workOrderOpenProbe } from '../client/work-order-status.js';

/** Retention on this host shares the work-order activities' sandbox manager (and so its mirror lock). */
export function createRetentionDeps(
  config: AppConfig,
  activityDeps: ActivityDeps,
  client: Client,
  settings: Pick<SettingsReader, 'retentionDays'>,
  logStore: () => Promise<WorkOrderLogStore>,
): RetentionDeps {
  return {
    logger: activityDeps.logger,
    sandboxes: activityDeps.sandboxes,
    workOrderDir: config.workOrderDir,
    repositoryDir: config.repositoryDir,
    reportDir: path.join(config.configDir, 'retention'),
    isWorkOrderOpen: workOrderOpenProbe(client),
    // A retention period saved through the settings API applies at the next run, without recreating the schedule.
    retentionDays: () => settings.retentionDays(),
    logStore,
  };
}
