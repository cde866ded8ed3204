import { type Client, WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';

/** Statuses of a workflow run that will not change again; anything else (running, paused, unknown) counts as open. */
const closedStatuses = new Set<WorkflowExecutionStatusName>(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT', 'CONTINUED_AS_NEW']);

/** The one answer to "is this work order open?": its workflow run has not closed. */
export function isOpenExecution(execution: { status: { name: WorkflowExecutionStatusName } }): boolean {
  return !closedStatuses.has(execution.status.name);
}

/**
 * Temporal is the only record of whether a work order is open: the latest run of the workflow with its id. A workflow
 * Temporal never heard of (or whose history it already dropped) is not open. Any other error propagates, so callers
 * (retention, admission) retry rather than act on a guess.
 */
export function workOrderOpenProbe(client: Client): (agentWorkOrderId: string) => Promise<boolean> {
  return async (agentWorkOrderId) => {
    try {
      return isOpenExecution(await client.workflow.getHandle(agentWorkOrderId).describe());
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };
}
