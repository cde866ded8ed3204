import { CancellationScope, patched, upsertMemo } from '@temporalio/workflow';
import type { SetupSandboxResult } from '../activities/activity-types.js';
import type { WorkOrderInput } from '../src/models/work-order.js';
import type { AdmissionSlot } from './admission-slot.js';
import { cancelledStepsMemoKey } from './messages.js';
import { hostActivities, sharedActivities } from './work-order-activities.js';
import { workOrderMemoPatch, type WorkOrderRecord } from './work-order-record.js';

/**
 * Runs on every ending, even a cancelled one: gives the admission slot back, then removes the sandbox on its host
 * (or whatever setup left, on any worker) and saves the final state beside the artifacts.
 */
export async function cleanUpWorkOrder(input: WorkOrderInput, record: WorkOrderRecord, admission: AdmissionSlot, sandbox: SetupSandboxResult | null, lean: boolean): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    // The slot is free once the agent is done; with lean orchestration it is released while the sandbox goes.
    const released = admission.release(input);
    if (!lean) await released;
    const cleanup = sandbox ? hostActivities(sandbox.hostTaskQueue, input).cleanup : sharedActivities.cleanup;
    try {
      await cleanup({
        agentWorkOrderId: input.agentWorkOrderId,
        mirrorPath: sandbox?.mirrorPath ?? null,
        status: record.state.status,
        errorMessage: record.state.error_message,
        finalState: record.ended(),
        keepSandbox: record.keepSandbox,
      });
    } catch {
      // A host that never comes back must not keep the work order open; retention removes what is left.
    }
    await released;
  });
}

/** A cancellation cannot carry details: the step history of a cancelled work order goes into the memo instead. */
export function publishCancelledSteps(record: WorkOrderRecord): void {
  if (patched(workOrderMemoPatch)) upsertMemo({ [cancelledStepsMemoKey]: { agent_work_order_id: record.state.agent_work_order_id, steps: record.steps } });
}
