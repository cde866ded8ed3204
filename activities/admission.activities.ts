import type { Client } from '@temporalio/client';
import { admissionLine } from '../temporal/client/admission-line.js';
import type { AdmissionRequest } from '../workflows/admission-messages.js';

export interface AdmissionDeps {
  client: Client;
  sharedTaskQueue: string;
  /** Read per request, so a changed limit applies to the next work order. */
  maxConcurrent: () => Promise<number>;
  isWorkOrderOpen: (agentWorkOrderId: string) => Promise<boolean>;
}

export function createAdmissionActivities(deps: AdmissionDeps) {
  const line = admissionLine(deps.client, deps.sharedTaskQueue);
  const { controllerId } = line;
  const admissionRequest = async (input: { agentWorkOrderId: string; submittedAt: string }): Promise<AdmissionRequest> => ({
    agentWorkOrderId: input.agentWorkOrderId,
    maxConcurrent: await deps.maxConcurrent(),
    submittedAt: input.submittedAt,
  });

  return {
    /** Work orders from before lean orchestration: join, then wait for the grant signal. */
    async requestAdmission(input: { agentWorkOrderId: string; submittedAt: string }): Promise<{ controllerId: string }> {
      await line.joinBySignal(await admissionRequest(input));
      return { controllerId };
    },

    /**
     * Joins the line and learns at once whether a slot was free, so an uncontended work order goes on to its first
     * agent. The API usually asked already, right after the start: then the server answers with that join's outcome.
     */
    async joinAdmission(input: { agentWorkOrderId: string; submittedAt: string }): Promise<{ controllerId: string; granted: boolean }> {
      return line.join(await admissionRequest(input));
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
