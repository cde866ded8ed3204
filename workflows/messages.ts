import { defineQuery, defineSignal } from '@temporalio/workflow';
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

export const workOrderWorkflowName = 'agentWorkOrderWorkflow';
