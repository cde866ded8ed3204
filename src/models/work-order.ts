import { z } from 'zod';
import { agentUsageSchema, budgetLimitsSchema } from './work-order-budget.js';
import { promptStepName, type StepName, type WorkOrderStep, workOrderStepNames } from './work-order-steps.js';

export { type AgentStep, agentStepNames, isAgentStep, promptStepName, type StepName, type WorkOrderStep, workOrderStepNames } from './work-order-steps.js';

export const workOrderStepSchema = z.enum(workOrderStepNames, {
  message: `must be one of: ${workOrderStepNames.join(', ')}`,
});
export const stepNameSchema = z.enum([...workOrderStepNames, promptStepName]) satisfies z.ZodType<StepName>;

export const defaultSelectedCommands: WorkOrderStep[] = ['create-branch', 'planning', 'execute', 'commit', 'create-pr'];

export const workflowTypePresets = {
  // Like the spec's plan workflow: the plan is committed and proposed as a pull request.
  agent_workflow_plan: ['create-branch', 'planning', 'commit', 'create-pr'],
  agent_workflow_full: defaultSelectedCommands,
} as const satisfies Record<string, readonly WorkOrderStep[]>;
export const workflowTypeSchema = z.enum(Object.keys(workflowTypePresets) as [keyof typeof workflowTypePresets], {
  message: `must be one of: ${Object.keys(workflowTypePresets).join(', ')}`,
});

export const sandboxTypeNames = ['git_worktree', 'git_branch', 'e2b', 'dagger'] as const;
export const sandboxTypeSchema = z.enum(sandboxTypeNames, { message: `must be one of: ${sandboxTypeNames.join(', ')}` });
export type SandboxType = z.infer<typeof sandboxTypeSchema>;
export const implementedSandboxTypes: SandboxType[] = ['git_worktree', 'git_branch'];

export const workOrderStatusNames = ['pending', 'running', 'waiting_for_approval', 'completed', 'failed', 'cancelled'] as const;
export const workOrderStatusSchema = z.enum(workOrderStatusNames, {
  message: `must be one of: ${workOrderStatusNames.join(', ')}`,
});
export type WorkOrderStatus = z.infer<typeof workOrderStatusSchema>;
export const endedStatuses: WorkOrderStatus[] = ['completed', 'failed', 'cancelled'];

export const workOrderPhaseNames = ['setup', 'planning', 'implementing', 'committed', 'reviewing', 'pr_created', 'finished'] as const;
export const workOrderPhaseSchema = z.enum(workOrderPhaseNames);
export type WorkOrderPhase = z.infer<typeof workOrderPhaseSchema>;

/** `plan`: after the planning step the work order waits until a person approves, edits or rejects the plan. */
export const approvalModeNames = ['none', 'plan'] as const;
export const approvalModeSchema = z.enum(approvalModeNames, { message: `must be one of: ${approvalModeNames.join(', ')}` });
export type ApprovalMode = z.infer<typeof approvalModeSchema>;

/** What happens when nobody decides within the approval timeout. */
export const approvalTimeoutActionNames = ['fail', 'approve'] as const;
export const approvalTimeoutActionSchema = z.enum(approvalTimeoutActionNames, { message: `must be one of: ${approvalTimeoutActionNames.join(', ')}` });
export type ApprovalTimeoutAction = z.infer<typeof approvalTimeoutActionSchema>;

/** How the wait for approval ended; null while waiting or when no approval was asked for. */
export const approvalOutcomeNames = ['approved', 'edited', 'rejected', 'approved_on_timeout', 'timed_out'] as const;
export const approvalOutcomeSchema = z.enum(approvalOutcomeNames);
export type ApprovalOutcome = z.infer<typeof approvalOutcomeSchema>;

/** What the workflow needs to run one work order; the API builds it from the validated request. */
export const workOrderInputSchema = z.object({
  agentWorkOrderId: z.string().regex(/^wo-[0-9a-f]{8}$/),
  repositoryUrl: z.string().min(1),
  userRequest: z.string().min(1),
  sandboxType: sandboxTypeSchema.default('git_worktree'),
  selectedCommands: z.array(workOrderStepSchema).min(1),
  /** The preset named in the request, kept for the responses (Archon's `workflow_type`); absent in older histories. */
  workflowType: workflowTypeSchema.nullable().optional(),
  githubIssueNumber: z.number().int().positive().optional(),
  createdAt: z.string(),
  /** Limits fixed when the work order starts, so a replayed history never sees a changed setting. */
  agentTimeoutSeconds: z.number().int().positive().default(3600),
  heartbeatTimeoutSeconds: z.number().int().positive().default(30),
  /** How long sandbox work waits for its worker host to poll before the work order fails (absent: 15 minutes). */
  hostPickupTimeoutSeconds: z.number().int().positive().optional(),
  /** How long pushing the branch and opening the pull request are retried with backoff (absent: 10 minutes). */
  pushRetrySeconds: z.number().int().positive().optional(),
  /** The budget, the request's own limits over the defaults in force at the start (absent in older histories). */
  budget: budgetLimitsSchema.optional(),
  /** `plan`: wait for a person's decision after the planning step (absent: no approval). */
  approval: approvalModeSchema.optional(),
  /** With approval: how long the wait lasts, and what its end means. */
  approvalTimeoutSeconds: z.number().int().positive().optional(),
  approvalOnTimeout: approvalTimeoutActionSchema.optional(),
});
export type WorkOrderInput = z.infer<typeof workOrderInputSchema>;

/**
 * The concepts below are each one zod schema: the TypeScript type is inferred from it, the API validates and documents
 * its answers with it (the OpenAPI components carry the `id`s), and the workflow state has that type.
 */
export const stepRecordSchema = z
  .object({
    step: stepNameSchema,
    agent_name: z.string(),
    success: z.boolean(),
    output: z.string().nullable(),
    error_message: z.string().nullable(),
    duration_seconds: z.number(),
    session_id: z.string().nullable(),
    timestamp: z.string(),
    /** For user prompts: the text that was delivered. */
    prompt_text: z.string().optional(),
    /** For a user prompt written into a running step: that step (its output is the prompt's answer too). */
    delivered_during: stepNameSchema.optional(),
    cost_usd: z.number().nullable().optional(),
    /** What the step's agent used (absent in steps recorded before usage was kept). */
    input_tokens: agentUsageSchema.shape.input_tokens.optional(),
    output_tokens: agentUsageSchema.shape.output_tokens.optional(),
    turns: agentUsageSchema.shape.turns.optional(),
  })
  .meta({ id: 'StepRecord' });
export type StepRecord = z.infer<typeof stepRecordSchema>;

export const stepHistorySchema = z
  .object({ agent_work_order_id: z.string(), steps: z.array(stepRecordSchema) })
  .meta({ id: 'StepHistory' });
export type StepHistory = z.infer<typeof stepHistorySchema>;

export const gitProgressSchema = z
  .object({
    agent_work_order_id: z.string(),
    current_phase: workOrderPhaseSchema.nullable(),
    git_commit_count: z.number().int(),
    git_files_changed: z.number().int(),
    latest_commit_message: z.string().nullable(),
    git_branch_name: z.string().nullable(),
  })
  .meta({ id: 'GitProgress' });
export type GitProgress = z.infer<typeof gitProgressSchema>;

/** The shape Archon's UI speaks; also what the workflow's state query returns. */
export const agentWorkOrderSchema = z
  .object({
    agent_work_order_id: z.string().meta({ example: 'wo-1a2b3c4d' }),
    repository_url: z.string(),
    sandbox_identifier: z.string().nullable(),
    sandbox_type: sandboxTypeSchema,
    git_branch_name: z.string().nullable(),
    agent_session_id: z.string().nullable(),
    github_issue_number: z.number().int().nullable(),
    status: workOrderStatusSchema,
    current_phase: workOrderPhaseSchema.nullable(),
    current_step: stepNameSchema.nullable(),
    selected_commands: z.array(workOrderStepSchema),
    /** The preset the work order was started with (Archon's field); null when it named its steps or took the default. */
    workflow_type: workflowTypeSchema.nullable(),
    user_request: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    github_pull_request_url: z.string().nullable(),
    git_commit_count: z.number().int(),
    git_files_changed: z.number().int(),
    error_message: z.string().nullable(),
    pending_prompts: z.number().int(),
    /** 1 = next to start; null when not waiting for an admission slot. Filled from the admission controller. */
    queue_position: z.number().int().nullable(),
    /** The budget in force (null: no limit) and what the work order's agents used so far, summed over its steps. */
    ...budgetLimitsSchema.shape,
    ...agentUsageSchema.shape,
    agent_duration_seconds: z.number().meta({ description: 'seconds its agents ran, summed over its steps (what max_duration_seconds limits)' }),
    /** `plan`: the work order waits for a decision on its plan after the planning step. */
    approval: approvalModeSchema,
    /** The plan waiting for approval (or approved, as edited): the plan file the planning step wrote, else its answer. */
    plan_text: z.string().nullable(),
    /** When a plan waiting for approval times out (ISO 8601); null when nothing waits. */
    approval_expires_at: z.string().nullable(),
    approval_outcome: approvalOutcomeSchema.nullable(),
    /** The comment given with the decision. */
    approval_comment: z.string().nullable(),
  })
  .meta({ id: 'AgentWorkOrder' });
export type AgentWorkOrder = z.infer<typeof agentWorkOrderSchema>;
