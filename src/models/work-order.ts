import { z } from 'zod';

export const workOrderStepNames = ['create-branch', 'planning', 'execute', 'commit', 'create-pr', 'prp-review'] as const;
export const workOrderStepSchema = z.enum(workOrderStepNames, {
  message: `must be one of: ${workOrderStepNames.join(', ')}`,
});
export type WorkOrderStep = z.infer<typeof workOrderStepSchema>;

/** Steps run by the agent CLI from a command file; `create-pr` is done by the service itself through Octokit. */
export const agentStepNames = ['create-branch', 'planning', 'execute', 'commit', 'prp-review'] as const;
export type AgentStep = (typeof agentStepNames)[number];
export function isAgentStep(step: WorkOrderStep): step is AgentStep {
  return (agentStepNames as readonly string[]).includes(step);
}

/** A user prompt sent while the work order runs is recorded in the step history under this name. */
export const promptStepName = 'user-prompt';
export type StepName = WorkOrderStep | typeof promptStepName;

export const defaultSelectedCommands: WorkOrderStep[] = ['create-branch', 'planning', 'execute', 'commit', 'create-pr'];

export const workflowTypePresets = {
  agent_workflow_plan: ['create-branch', 'planning'],
  agent_workflow_full: defaultSelectedCommands,
} as const satisfies Record<string, readonly WorkOrderStep[]>;
export const workflowTypeSchema = z.enum(Object.keys(workflowTypePresets) as [keyof typeof workflowTypePresets], {
  message: `must be one of: ${Object.keys(workflowTypePresets).join(', ')}`,
});

export const sandboxTypeNames = ['git_worktree', 'git_branch', 'e2b', 'dagger'] as const;
export const sandboxTypeSchema = z.enum(sandboxTypeNames, { message: `must be one of: ${sandboxTypeNames.join(', ')}` });
export type SandboxType = z.infer<typeof sandboxTypeSchema>;
export const implementedSandboxTypes: SandboxType[] = ['git_worktree', 'git_branch'];

export const workOrderStatusNames = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const workOrderStatusSchema = z.enum(workOrderStatusNames, {
  message: `must be one of: ${workOrderStatusNames.join(', ')}`,
});
export type WorkOrderStatus = z.infer<typeof workOrderStatusSchema>;
export const endedStatuses: WorkOrderStatus[] = ['completed', 'failed', 'cancelled'];

export const workOrderPhaseNames = ['setup', 'planning', 'implementing', 'committed', 'reviewing', 'pr_created', 'finished'] as const;
export type WorkOrderPhase = (typeof workOrderPhaseNames)[number];

/** What the workflow needs to run one work order; the API builds it from the validated request. */
export const workOrderInputSchema = z.object({
  agentWorkOrderId: z.string().regex(/^wo-[0-9a-f]{8}$/),
  repositoryUrl: z.string().min(1),
  userRequest: z.string().min(1),
  sandboxType: sandboxTypeSchema.default('git_worktree'),
  selectedCommands: z.array(workOrderStepSchema).min(1),
  githubIssueNumber: z.number().int().positive().optional(),
  createdAt: z.string(),
  /** Limits fixed when the work order starts, so a replayed history never sees a changed setting. */
  agentTimeoutSeconds: z.number().int().positive().default(3600),
  heartbeatTimeoutSeconds: z.number().int().positive().default(30),
});
export type WorkOrderInput = z.infer<typeof workOrderInputSchema>;

export interface StepRecord {
  step: StepName;
  agent_name: string;
  success: boolean;
  output: string | null;
  error_message: string | null;
  duration_seconds: number;
  session_id: string | null;
  timestamp: string;
  /** For user prompts: the text that was delivered. */
  prompt_text?: string;
  /** For a user prompt written into a running step: that step (its output is the prompt's answer too). */
  delivered_during?: StepName;
  cost_usd?: number | null;
}

export interface GitProgress {
  agent_work_order_id: string;
  current_phase: WorkOrderPhase | null;
  git_commit_count: number;
  git_files_changed: number;
  latest_commit_message: string | null;
  git_branch_name: string | null;
}

/** The shape Archon's UI speaks; also what the workflow's state query returns. */
export interface AgentWorkOrder {
  agent_work_order_id: string;
  repository_url: string;
  sandbox_identifier: string | null;
  sandbox_type: SandboxType;
  git_branch_name: string | null;
  agent_session_id: string | null;
  github_issue_number: number | null;
  status: WorkOrderStatus;
  current_phase: WorkOrderPhase | null;
  current_step: StepName | null;
  selected_commands: WorkOrderStep[];
  user_request: string;
  created_at: string;
  updated_at: string;
  github_pull_request_url: string | null;
  git_commit_count: number;
  git_files_changed: number;
  error_message: string | null;
  pending_prompts: number;
  /** 1 = next to start; null when not waiting for an admission slot. Filled from the admission controller. */
  queue_position: number | null;
}
