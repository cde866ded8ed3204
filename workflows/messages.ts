import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision } from '../src/models/plan-approval.js';
import type { AgentWorkOrder, GitProgress, StepHistory } from '../src/models/work-order.js';

export type { StepHistory } from '../src/models/work-order.js';

/** Message definitions shared by the workflow and every client: one name, one place. */
export interface PromptSignalPayload {
  prompt_text: string;
  /** Chosen by the sender so the acknowledgement and the step history can be matched. */
  prompt_id: string;
}

export const promptSignal = defineSignal<[PromptSignalPayload]>('prompt');
export const workOrderStateQuery = defineQuery<AgentWorkOrder>('workOrderState');
export const gitProgressQuery = defineQuery<GitProgress>('gitProgress');
export const stepHistoryQuery = defineQuery<StepHistory>('stepHistory');
export const pendingPromptsQuery = defineQuery<PromptSignalPayload[]>('pendingPrompts');
/** A person's decision on the plan a work order waits with; answers with the state the decision led to. */
export const approvalUpdate = defineUpdate<AgentWorkOrder, [ApprovalDecision]>('approval');

export const workOrderWorkflowName = 'agentWorkOrderWorkflow';

/**
 * Memo keys: what list and detail views read without a worker. `awo_work_order` is the AgentWorkOrder (no step
 * history), upserted with every state change. `awo_steps` holds the StepHistory of a cancelled work order, whose
 * cancellation cannot carry details (a completed one returns it, a failed one carries it as failure details).
 */
export const workOrderMemoKey = 'awo_work_order';
export const cancelledStepsMemoKey = 'awo_steps';

/** What an ended work order hands over: its result, its failure's details, or (cancelled) the memo. */
/** `latest_commit_message` lets the API answer git progress of an ended work order without a worker replaying it. */
export type EndedWorkOrder = AgentWorkOrder & { steps: StepHistory['steps']; latest_commit_message?: string | null };
