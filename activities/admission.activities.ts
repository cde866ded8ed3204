import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { AdmissionJoinAnswer, AdmissionJoinInput, EarlyPrepares } from '../temporal/worker/early-prepares.js';
import {
  type AdmissionQueue,
  type AdmissionRequest,
  admissionControllerId,
  admissionControllerWorkflowName,
  admissionJoinUpdate,
  admissionRequestSignal,
} from '../workflows/admission-messages.js';

export interface AdmissionDeps {
  client: Client;
  sharedTaskQueue: string;
  /** Read per request, so a changed limit applies to the next work order. */
  maxConcurrent: () => Promise<number>;
  isWorkOrderOpen: (agentWorkOrderId: string) => Promise<boolean>;
  /** Joins the API of this process began (see EarlyPrepares); the worker's own join is given to it here. */
  early?: EarlyPrepares;
}

export function createAdmissionActivities(deps: AdmissionDeps) {
  const controllerId = admissionControllerId(deps.sharedTaskQueue);
  const admissionRequest = async (input: { agentWorkOrderId: string; submittedAt: string }): Promise<AdmissionRequest> => ({
    agentWorkOrderId: input.agentWorkOrderId,
    maxConcurrent: await deps.maxConcurrent(),
    submittedAt: input.submittedAt,
  });
  const controllerOptions = (request: AdmissionRequest) => ({
    workflowId: controllerId,
    taskQueue: deps.sharedTaskQueue,
    args: [{ maxConcurrent: request.maxConcurrent, admitted: [], waiting: [], submittedAt: {} } satisfies AdmissionQueue] as [AdmissionQueue],
    staticSummary: 'Admission control: at most AWO_MAX_CONCURRENT work orders run agents at once',
  });
  /** Joins the line at the controller by signal, starting the controller if this is the first work order to ask. */
  const joinBySignal = async (request: AdmissionRequest): Promise<void> => {
    await deps.client.workflow.signalWithStart(admissionControllerWorkflowName, { ...controllerOptions(request), signal: admissionRequestSignal, signalArgs: [request] });
  };
  const joinByUpdate = (request: AdmissionRequest) => deps.client.workflow.getHandle(controllerId).executeUpdate(admissionJoinUpdate, { args: [request] });
  const joinAtController = async (input: AdmissionJoinInput): Promise<AdmissionJoinAnswer> => {
    const request = await admissionRequest(input);
    try {
      try {
        return { controllerId, ...(await joinByUpdate(request)) };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        // The first work order to ask (or the first since the controller ended): start it, then ask.
        await deps.client.workflow.start(admissionControllerWorkflowName, { ...controllerOptions(request), workflowIdConflictPolicy: 'USE_EXISTING' });
        return { controllerId, ...(await joinByUpdate(request)) };
      }
    } catch (error) {
      // Other errors are retried: joining twice keeps one place in line and answers with it.
      if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    }
    await joinBySignal(request);
    return { controllerId, granted: false };
  };
  deps.early?.attachJoin(joinAtController);

  return {
    /** Work orders from before lean orchestration: join, then wait for the grant signal. */
    async requestAdmission(input: { agentWorkOrderId: string; submittedAt: string }): Promise<{ controllerId: string }> {
      await joinBySignal(await admissionRequest(input));
      return { controllerId };
    },

    /**
     * Run as a local activity: joins the line and learns at once whether a slot was free, so an uncontended work
     * order goes on to its sandbox in the same workflow task. A controller that does not know the update (older code)
     * is joined by signal, and the grant comes as a signal.
     */
    async joinAdmission(input: AdmissionJoinInput): Promise<AdmissionJoinAnswer> {
      // Begun by the API of this process when it started the work order; one that failed is joined again here.
      const early = await deps.early?.takeJoin(input.agentWorkOrderId)?.catch(() => null);
      return early ?? joinAtController(input);
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
