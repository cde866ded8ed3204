import type { AgentStep } from '../models/work-order.js';

export interface StepContext {
  agentWorkOrderId: string;
  userRequest: string;
  /** Title and body of the linked issue, when there is one. */
  issueText: string | null;
  branchName: string | null;
  /** The output of the planning step, when it ran. */
  planOutput: string | null;
}

/** Positional arguments each command file expects ($1, $2, ...), documented at the top of each command file. */
export function buildStepArguments(step: AgentStep, context: StepContext): string[] {
  const issue = context.issueText ?? '';
  switch (step) {
    case 'create-branch':
      return [context.userRequest, issue, context.agentWorkOrderId];
    case 'planning':
      return [context.userRequest, issue, context.branchName ?? '', context.agentWorkOrderId];
    case 'execute':
      return [context.planOutput ?? context.userRequest, context.userRequest];
    case 'commit':
      return [context.userRequest, context.agentWorkOrderId];
    case 'prp-review':
      return [context.planOutput ?? context.userRequest, context.userRequest];
  }
}
