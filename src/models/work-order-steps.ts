/**
 * Step names and the rules on them, without zod: the workflow bundle imports these, and every module it imports is
 * evaluated again for each workflow run in the worker's sandbox.
 */
export const workOrderStepNames = ['create-branch', 'planning', 'execute', 'commit', 'create-pr', 'prp-review'] as const;
export type WorkOrderStep = (typeof workOrderStepNames)[number];

/** Steps run by the agent CLI from a command file; `create-pr` is done by the service itself through Octokit. */
export const agentStepNames = ['create-branch', 'planning', 'execute', 'commit', 'prp-review'] as const;
export type AgentStep = (typeof agentStepNames)[number];
export function isAgentStep(step: WorkOrderStep): step is AgentStep {
  return (agentStepNames as readonly string[]).includes(step);
}

/** A user prompt sent while the work order runs is recorded in the step history under this name. */
export const promptStepName = 'user-prompt';
export type StepName = WorkOrderStep | typeof promptStepName;
