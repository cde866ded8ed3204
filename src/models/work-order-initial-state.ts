import type { AgentWorkOrder, WorkOrderInput } from './work-order.js';
import { noBudgetLimits, noUsage } from './budget-usage.js';

/** A work order as it stands when started: what its input says, and nothing observed yet. */
export function initialWorkOrderState(input: WorkOrderInput): AgentWorkOrder {
  return {
    agent_work_order_id: input.agentWorkOrderId,
    repository_url: input.repositoryUrl,
    sandbox_identifier: null,
    sandbox_type: input.sandboxType,
    git_branch_name: null,
    agent_session_id: null,
    github_issue_number: input.githubIssueNumber ?? null,
    status: 'pending',
    current_phase: null,
    current_step: null,
    selected_commands: input.selectedCommands,
    workflow_type: input.workflowType ?? null,
    user_request: input.userRequest,
    created_at: input.createdAt,
    updated_at: input.createdAt,
    github_pull_request_url: null,
    git_commit_count: 0,
    git_files_changed: 0,
    error_message: null,
    pending_prompts: 0,
    queue_position: null,
    ...(input.budget ?? noBudgetLimits),
    ...noUsage,
    agent_duration_seconds: 0,
    approval: input.approval ?? 'none',
    plan_text: null,
    approval_expires_at: null,
    approval_outcome: null,
    approval_comment: null,
  };
}
