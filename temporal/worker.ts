import { type NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/create-activities.js';
import type { AppConfig } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { createActivityDeps } from './activity-wiring.js';
import { hostTaskQueueName } from './task-queues.js';
import { workOrderWorkflowBundle } from './workflow-bundle.js';

export interface WorkOrderWorkers {
  sharedTaskQueue: string;
  hostTaskQueue: string;
  /** Resolves when both workers have stopped. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Two workers per host: the shared queue runs workflows and the host-independent activities (setup, issue loading);
 * the host queue runs everything that touches the sandbox this host created.
 */
export async function createWorkOrderWorkers(options: {
  config: AppConfig;
  connection: NativeConnection;
  logger: Logger;
  /** Where the agent's environment comes from; the process's own by default. */
  env?: NodeJS.ProcessEnv;
}): Promise<WorkOrderWorkers> {
  const { config, connection, logger } = options;
  const sharedTaskQueue = config.AWO_TASK_QUEUE;
  const hostTaskQueue = hostTaskQueueName(sharedTaskQueue, config.AWO_WORKER_HOST_ID);
  const activities = createActivities(createActivityDeps(config, logger, hostTaskQueue, options.env));
  const workflowBundle = await workOrderWorkflowBundle();
  const common = { connection, namespace: config.TEMPORAL_NAMESPACE, activities };
  const shared = await Worker.create({ ...common, taskQueue: sharedTaskQueue, workflowBundle });
  const host = await Worker.create({
    ...common,
    taskQueue: hostTaskQueue,
    maxConcurrentActivityTaskExecutions: config.AWO_MAX_CONCURRENT * 4,
  });
  logger.info({ event: 'worker_workers_created', shared_task_queue: sharedTaskQueue, host_task_queue: hostTaskQueue }, 'worker_workers_created');
  const shutdown = async () => {
    for (const worker of [shared, host]) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  };
  return {
    sharedTaskQueue,
    hostTaskQueue,
    run: async () => {
      await Promise.all([shared.run(), host.run()]);
    },
    shutdown,
  };
}
