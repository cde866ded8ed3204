import type { Client, WorkflowHandleWithStartDetails } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { AgentWorkOrder, WorkOrderInput } from '../../src/models/work-order.js';
import { initialWorkOrderState } from '../../src/models/work-order-initial-state.js';
import { workOrderMemoKey, workOrderWorkflowName } from '../../workflows/messages.js';
import { awoPhaseKey, awoRepositoryKey, awoStatusKey, awoStepKey } from '../../workflows/search-attributes.js';

/**
 * Starts one work order: the workflow id is the work order id, and its search attributes and memo are set from the
 * start so the list shows it as pending before a worker picks it up (the workflow keeps both up to date). `eager`: the
 * client shares its NativeConnection with a worker of `taskQueue`, which gets the first workflow task in the start
 * call's answer when it has a free slot (the server dispatches it as usual otherwise).
 */
export async function startWorkOrder(client: Client, taskQueue: string, input: WorkOrderInput, options: { eager?: boolean } = {}): Promise<WorkflowHandleWithStartDetails> {
  return client.workflow.start<(input: WorkOrderInput) => Promise<AgentWorkOrder>>(workOrderWorkflowName, {
    taskQueue,
    ...(options.eager ? { requestEagerStart: true } : {}),
    workflowId: input.agentWorkOrderId,
    args: [input],
    memo: { [workOrderMemoKey]: initialWorkOrderState(input) },
    typedSearchAttributes: new TypedSearchAttributes([
      { key: awoStatusKey, value: 'pending' },
      { key: awoPhaseKey, value: 'none' },
      { key: awoRepositoryKey, value: input.repositoryUrl },
      { key: awoStepKey, value: 'none' },
    ]),
    staticSummary: `${input.agentWorkOrderId}: ${firstLine(input.userRequest)}`,
    staticDetails: [
      `repository: ${input.repositoryUrl}`,
      `sandbox: ${input.sandboxType}`,
      `steps: ${input.selectedCommands.join(', ')}`,
      input.githubIssueNumber ? `issue: #${input.githubIssueNumber}` : null,
      '',
      input.userRequest,
    ]
      .filter((line) => line !== null)
      .join('\n'),
  });
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
