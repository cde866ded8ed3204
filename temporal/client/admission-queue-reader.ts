import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type AdmissionQueue, admissionControllerId, admissionQueueQuery } from '../../workflows/admission-messages.js';

/** The admission line as the controller sees it; null when no work order has asked for a slot yet. */
export async function readAdmissionQueue(client: Client, sharedTaskQueue: string): Promise<AdmissionQueue | null> {
  try {
    return await client.workflow.getHandle(admissionControllerId(sharedTaskQueue)).query(admissionQueueQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/** 1-based place in line, or null when the work order is not waiting. */
export function queuePositionOf(queue: AdmissionQueue | null, agentWorkOrderId: string): number | null {
  const index = queue?.waiting.indexOf(agentWorkOrderId) ?? -1;
  return index === -1 ? null : index + 1;
}
