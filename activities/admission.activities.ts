import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type AdmissionQueue, admissionControllerId, admissionControllerWorkflowName, admissionRequestSignal } from '../workflows/admission-messages.js';

export interface AdmissionDeps {
  client: Client;
  sharedTaskQueue: string;
  /** Read per request, so a changed limit applies to the next work order. */
  maxConcurrent: () => number;
}

export function createAdmissionActivities(deps: AdmissionDeps) {
  return {
    /** Joins the line at the controller, starting the controller if this is the first work order to ask. */
    async requestAdmission(input: { agentWorkOrderId: string; submittedAt: string }): Promise<{ controllerId: string }> {
      const controllerId = admissionControllerId(deps.sharedTaskQueue);
      const maxConcurrent = deps.maxConcurrent();
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
        try {
          const description = await deps.client.workflow.getHandle(id).describe();
          if (description.status.name === 'RUNNING') open.push(id);
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      return open;
    },
  };
}
