import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createAdmissionActivities } from '../activities/admission.activities.js';
import type { createActivities } from '../activities/create-activities.js';
import type { createPrepareWorkOrderActivity } from '../activities/prepare-work-order.activity.js';
import type { WorkOrderInput } from '../src/models/work-order.js';

type Activities = ReturnType<typeof createActivities> & ReturnType<typeof createAdmissionActivities> & ReturnType<typeof createPrepareWorkOrderActivity>;

/** Activities any worker can run: admission, sandbox setup, issue loading (or the three at once), cleanup of a work order without a sandbox. */
export const sharedActivities = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  retry: { maximumAttempts: 5, initialInterval: '2s', nonRetryableErrorTypes: ['SandboxNotImplementedError', 'RepositoryUrlError'] },
});

/**
 * Cheap calls to Temporal itself, run by the worker that runs the workflow (any worker of the shared queue can make
 * them): no task to dispatch, and the workflow goes on in the same workflow task.
 */
export const sharedLocalActivities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1s' },
});

/** How long sandbox work waits for its host to poll before the work order gives up on a host that is gone. */
export function hostPickupTimeoutSeconds(input: WorkOrderInput): number {
  return input.hostPickupTimeoutSeconds ?? 15 * 60;
}

/** How long a push and the pull request are retried: a forge that is down for a while must not end the work order. */
export function pushRetrySeconds(input: WorkOrderInput): number {
  return input.pushRetrySeconds ?? 10 * 60;
}

export type HostActivities = ReturnType<typeof hostActivities>;

/** Sandbox work is pinned to the worker host that holds the checkout. */
export function hostActivities(hostTaskQueue: string, input: WorkOrderInput) {
  const scheduleToStartTimeout = `${hostPickupTimeoutSeconds(input)} seconds`;
  const agent = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: `${input.agentTimeoutSeconds + 300} seconds`,
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    // The workflow waits until the agent's process group is really gone before cleaning the sandbox.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { maximumAttempts: 3, initialInterval: '1s', nonRetryableErrorTypes: ['CommandNotFoundError'] },
  });
  const git = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '30 minutes',
    retry: { maximumAttempts: 5, initialInterval: '2s', nonRetryableErrorTypes: ['NothingToPushError'] },
  });
  // Retried until the deadline, whatever the count: each attempt pushes again and reuses an already opened PR.
  const forge = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: `${pushRetrySeconds(input)} seconds`,
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['NothingToPushError'] },
  });
  // A host that is gone must not keep an ended work order open for long: cleanup waits as long as any sandbox work.
  const cleanup = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '5 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: { maximumAttempts: 5, initialInterval: '2s' },
  });
  return {
    runAgent: agent.runAgent,
    deliverPrompt: git.deliverPrompt,
    detectBranch: git.detectBranch,
    trackPhase: git.trackPhase,
    readPlan: git.readPlan,
    writePlan: git.writePlan,
    createPR: forge.createPR,
    cleanup: cleanup.cleanup,
  };
}
