import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  type AdmissionQueue,
  type AdmissionRequest,
  admissionControllerId,
  admissionControllerWorkflowName,
  admissionJoinUpdate,
  admissionRequestSignal,
} from '../../workflows/admission-messages.js';

/**
 * The id of a work order's join: the same from every caller (the API right after the start, the work order's own
 * `joinAdmission`, its retries), so the controller takes it once and the server answers a repeated call with the
 * outcome it already has, without another workflow task of the controller.
 */
export function admissionJoinUpdateId(agentWorkOrderId: string): string {
  return `join-${agentWorkOrderId}`;
}

/** Joining the line at the admission controller of one shared task queue, as the API and the activities do it. */
export function admissionLine(client: Client, sharedTaskQueue: string) {
  const controllerId = admissionControllerId(sharedTaskQueue);
  const controllerOptions = (request: AdmissionRequest) => ({
    workflowId: controllerId,
    taskQueue: sharedTaskQueue,
    args: [{ maxConcurrent: request.maxConcurrent, admitted: [], waiting: [], submittedAt: {} } satisfies AdmissionQueue] as [AdmissionQueue],
    staticSummary: 'Admission control: at most AWO_MAX_CONCURRENT work orders run agents at once',
  });
  const joinByUpdate = (request: AdmissionRequest) =>
    client.workflow.getHandle(controllerId).executeUpdate(admissionJoinUpdate, { args: [request], updateId: admissionJoinUpdateId(request.agentWorkOrderId) });

  return {
    controllerId,
    /** Joins by signal, starting the controller if this is the first work order to ask; the grant comes as a signal. */
    async joinBySignal(request: AdmissionRequest): Promise<void> {
      await client.workflow.signalWithStart(admissionControllerWorkflowName, { ...controllerOptions(request), signal: admissionRequestSignal, signalArgs: [request] });
    },

    /**
     * Joins and learns at once whether a slot was free. A controller that does not know the update (older code) is
     * joined by signal, and the grant comes as a signal.
     */
    async join(request: AdmissionRequest): Promise<{ controllerId: string; granted: boolean }> {
      try {
        try {
          return { controllerId, ...(await joinByUpdate(request)) };
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          // The first work order to ask (or the first since the controller ended): start it, then ask.
          await client.workflow.start(admissionControllerWorkflowName, { ...controllerOptions(request), workflowIdConflictPolicy: 'USE_EXISTING' });
          return { controllerId, ...(await joinByUpdate(request)) };
        }
      } catch (error) {
        // Other errors are retried: joining twice keeps one place in line and answers with it.
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
      }
      await this.joinBySignal(request);
      return { controllerId, granted: false };
    },
  };
}
