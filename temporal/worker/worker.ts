import { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { EarlyPrepares } from './early-prepares.js';
import { createAdmissionActivities } from '../../activities/admission.activities.js';
import { createActivities } from '../../activities/create-activities.js';
import type { ActivityDeps } from '../../activities/activity-deps.js';
import { createPrepareWorkOrderActivity, type EarlyPrepareTaking } from '../../activities/prepare-work-order.activity.js';
import { workOrderEvent } from '../../activities/work-order-event.js';
import { createRetentionActivities } from '../../activities/retention.activities.js';
import { prepareAgentIdentity, workerIdentity } from '../../src/agent/agent-identity.js';
import type { AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { openWorkerLogStore } from '../../src/logs/open-log-store.js';
import { workOrderOpenProbe } from '../client/work-order-status.js';
import { createActivityDeps, lazySettingsReader } from './activity-wiring.js';
import { ensureRetentionSchedule } from './retention-schedule.js';
import { createRetentionDeps } from './retention-wiring.js';
import { hostTaskQueueName } from './task-queues.js';
import { workOrderWorkflowBundle } from './workflow-bundle.js';
import { dropWorkflowStackTraceHooks } from './workflow-stack-hooks.js';

const heartbeatThrottle = '500 ms';
/**
 * Workflows run in this thread, in the SDK's reusable VM context (what its replayer uses), not in a worker thread of
 * their own: that second V8 isolate, with its own copy of the SDK, its protobuf definitions and the bundle, held about
 * 20 MiB of an idle service's RSS. `debugMode` is the SDK's switch for it; it also lifts the deadlock detection, which
 * the SDK's own default limit puts back (an option the SDK reads but does not declare): an activation that runs longer
 * than this still fails its workflow task instead of holding the process.
 */
export const inThreadWorkflows = { debugMode: true, isolateExecutionTimeout: '5s' };

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
  /** Prepares (or admission joins) the API of this process begins (`npm start`). */
  earlyPrepares?: EarlyPrepares;
}): Promise<WorkOrderWorkers> {
  const { config, connection, logger } = options;
  const sharedTaskQueue = config.AWO_TASK_QUEUE;
  const hostTaskQueue = hostTaskQueueName(sharedTaskQueue, config.AWO_WORKER_HOST_ID);
  const env = options.env ?? process.env;
  // One settings reader for every activity of this process: stored settings apply to the next work order.
  const settings = lazySettingsReader(config, env, logger);
  const agentIdentity = await prepareAgentIdentity(config, logger);
  const logs = openWorkerLogStore(config, logger);
  const deps = createActivityDeps(config, logger, hostTaskQueue, env, settings, agentIdentity, logs.writer);
  // Activities that talk to Temporal itself (admission) share the worker's connection.
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const workOrderActivities = createActivities(deps);
  const admissionActivities = createAdmissionActivities({
    client,
    sharedTaskQueue,
    maxConcurrent: () => settings.maxConcurrent(),
    isWorkOrderOpen: workOrderOpenProbe(client),
    ...(options.earlyPrepares ? { early: options.earlyPrepares } : {}),
  });
  const activities = {
    ...workOrderActivities,
    ...admissionActivities,
    ...createPrepareWorkOrderActivity({ ...workOrderActivities, ...admissionActivities }, earlyPrepareTaking(deps, options.earlyPrepares)),
  };
  const workflowBundle = await workOrderWorkflowBundle();
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    activities,
    identity: workerIdentity(agentIdentity),
    // A cancellation reaches a running activity only in a heartbeat's answer; the SDK's default throttle (80 % of the
    // heartbeat timeout) would let a cancelled agent run on for up to 24 s.
    maxHeartbeatThrottleInterval: heartbeatThrottle,
    defaultHeartbeatThrottleInterval: heartbeatThrottle,
  };
  const shared = await Worker.create({ ...common, taskQueue: sharedTaskQueue, workflowBundle, ...inThreadWorkflows });
  dropWorkflowStackTraceHooks();
  const host = await Worker.create({
    ...common,
    // Retention cleans this host's folders, so its activities run only here.
    activities: { ...activities, ...createRetentionActivities(createRetentionDeps(config, deps, client, settings, logs.store)) },
    taskQueue: hostTaskQueue,
    maxConcurrentActivityTaskExecutions: config.AWO_MAX_CONCURRENT * 4,
  });
  const retention = { sharedTaskQueue, hostTaskQueue, hostId: config.AWO_WORKER_HOST_ID, retentionDays: config.AWO_RETENTION_DAYS };
  // A server that refuses the schedule must not keep this host from running work orders; the next start tries again.
  await ensureRetentionSchedule(client, retention, logger).catch((error: unknown) =>
    logger.error({ event: 'retention_schedule_failed', error: String(error) }, 'retention_schedule_failed'),
  );
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
      try {
        await Promise.all([shared.run(), host.run()]);
      } finally {
        // A spare being checked out in the background is finished rather than left half-made.
        await deps.sandboxes.settled();
        await logs.close();
      }
    },
    shutdown,
  };
}

/** The early prepares of `npm start`, and the note in the work order's log that its prepare was begun by the API. */
function earlyPrepareTaking(deps: ActivityDeps, prepares: EarlyPrepares | undefined): EarlyPrepareTaking | undefined {
  if (!prepares) return undefined;
  return { prepares, taken: (agentWorkOrderId) => workOrderEvent(deps, agentWorkOrderId, null, 'debug', 'work_order_prepare_begun_by_api') };
}
