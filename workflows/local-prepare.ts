import { ActivityFailure, ApplicationFailure, isCancellation, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { PrepareWorkOrderInput, PrepareWorkOrderResult } from '../activities/activity-types.js';
import type { createPrepareWorkOrderActivity } from '../activities/prepare-work-order.activity.js';
import { sharedActivities } from './work-order-activities.js';

/**
 * Work orders started before this patch prepare (admission, sandbox, issue) in an activity, and the workflow task its
 * result brings schedules the first agent. Later ones first try it as a local activity inside the work order's first
 * workflow task: on a warm mirror it takes tens of milliseconds, and the same task goes on to schedule the first agent
 * (one activity completion and one workflow task fewer before it). Decided at the start.
 */
export const localPreparePatch = 'awo-local-prepare';

/**
 * Long enough for a warm mirror on a loaded host, short enough that a cancel is not held up behind a cold clone (a
 * workflow task runs no handler while its local activity runs).
 */
const quickPrepareTimeout = '1 second';

const quick = proxyLocalActivities<ReturnType<typeof createPrepareWorkOrderActivity>>({
  startToCloseTimeout: quickPrepareTimeout,
  retry: { maximumAttempts: 1 },
});

/**
 * A try that outlasts its limit (a cold clone) or fails in a way a retry may mend gives way to the activity, with its
 * retries: it joins the same place in line and reuses the sandbox the try made (setup waits for the mirror the try
 * holds). What no retry can mend fails the work order at once, as the activity's own failure would.
 */
export async function prepareWorkOrder(input: PrepareWorkOrderInput): Promise<PrepareWorkOrderResult> {
  if (patched(localPreparePatch)) {
    try {
      return await quick.prepareWorkOrder(input);
    } catch (error) {
      if (isCancellation(error) || cannotBeMended(error)) throw error;
    }
  }
  return sharedActivities.prepareWorkOrder(input);
}

/** A local activity's own failure reaches the workflow as it was thrown; a timeout comes wrapped. */
function cannotBeMended(error: unknown): boolean {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.nonRetryable === true;
}
