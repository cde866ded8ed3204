import type { AgentWorkOrder } from '../src/models/work-order.js';

/** The current-details text the Temporal Web UI shows for a work order (Markdown). */
export function describeWorkOrder(state: AgentWorkOrder): string {
  const lines = [
    `**${state.status}**${state.current_step ? ` — step \`${state.current_step}\`` : ''}${state.current_phase ? `, phase ${state.current_phase}` : ''}`,
    `repository: ${state.repository_url}`,
    `branch: ${state.git_branch_name ?? '—'}, commits: ${state.git_commit_count}, files changed: ${state.git_files_changed}`,
  ];
  if (state.github_pull_request_url) lines.push(`pull request: ${state.github_pull_request_url}`);
  if (state.error_message) lines.push(`error: ${state.error_message}`);
  if (state.status === 'waiting_for_approval') {
    lines.push(`plan waiting for approval until ${state.approval_expires_at ?? '—'}: POST /api/agent-work-orders/${state.agent_work_order_id}/approval`);
  }
  if (state.pending_prompts > 0) lines.push(`prompts waiting: ${state.pending_prompts}`);
  return lines.join('\n');
}
