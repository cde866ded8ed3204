import { Connection } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { loadConfig } from '../src/config.js';
import { connectionOptions, temporalAddress } from '../temporal/client/connection.js';
import { hostTaskQueueName } from '../temporal/worker/task-queues.js';

// Values of Temporal's TaskQueueKind and TaskQueueType enums; the proto package that names them is not ours to import.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/** A poll older than this means the worker is stuck or gone: pollers re-poll at least every minute or so. */
const freshPollMs = 120_000;

/**
 * Container health check of a worker (docker compose `worker`): healthy while some process polls this host's own
 * task queue, which only this container's worker does, since the host id defaults to the container's host name.
 * A live process is not enough: a worker whose connection died runs on but takes no work.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const taskQueue = hostTaskQueueName(config.AWO_TASK_QUEUE, config.AWO_WORKER_HOST_ID);
  const connection = await Connection.connect(connectionOptions(temporalAddress(config), { connectTimeout: 5000 }));
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TASK_QUEUE_TYPE_ACTIVITY,
    });
    const lastPoll = Math.max(0, ...(pollers ?? []).map((poller) => optionalTsToMs(poller.lastAccessTime) ?? 0));
    if (Date.now() - lastPoll <= freshPollMs) return 0;
    console.error(`no worker polled ${taskQueue} in the last ${freshPollMs / 1000} s`);
    return 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`worker health check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
