import type { Client } from '@temporalio/client';
import { type AdmissionQueue, admissionControllerId, admissionControllerWorkflowName, admissionRequestSignal } from '../workflows/admission-messages.js';

export interface AdmissionDeps {
  client: Client;
  sharedTaskQueue: string;
  /** Read per request, so a changed limit applies to the next work order. */
  maxConcurrent: () => Promise<number>;
  isWorkOrderOpen: (agentWorkOrderId: string) => Promise<boolean>;
}

export function createAdmissionActivities(deps: AdmissionDeps) {
  return {
    /** Joins the line at the controller, starting the controller if this is the first work order to ask. */
    async requestAdmission(input: { agentWorkOrderId: string; submittedAt: string }): Promise<{ controllerId: string }> {
      const controllerId = admissionControllerId(deps.sharedTaskQueue);
      const maxConcurrent = await deps.maxConcurrent();
      const initial: AdmissionQueue = { maxConcurrent, admitted: [], waiting: [], submittedAt: {} };
      await deps.client.workflow.signalWithStart(admissionControllerWorkflowName, {
        workflowId: controllerId,
        taskQueue: deps.sharedTaskQueue,
        args: [initial],
        signal: admissionRequestSignal,
        signalArgs: [{ agentWorkOrderId: input.agentWorkOrderId, maxConcurrent, submittedAt: input.submittedAt }],
        staticSummary: 'Admission control: at most AWO_MAX_CONCURRENT work orders run agents at once',
      });
      return { controllerId };
    },

    /** The subset of these work orders whose workflows are still running. */
    async listOpenWorkOrders(input: { agentWorkOrderIds: string[] }): Promise<string[]> {
      const open: string[] = [];
      for (const id of input.agentWorkOrderIds) {
        if (await deps.isWorkOrderOpen(id)) open.push(id);
      }
      return open;
    },
  };
}
