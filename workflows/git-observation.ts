import type { StepName } from '../src/models/work-order.js';
import type { WorkOrderRun } from './work-order-run.js';

/** Reads branch, phase and commit evidence from git in the sandbox after a step (never from the agent's words). */
export async function observeGit(run: WorkOrderRun, step: StepName): Promise<void> {
  const { input, record, sandbox, host } = run;
  const detected = await host.detectBranch({ sandboxPath: sandbox.sandboxPath });
  const tracked = await host.trackPhase({
    agentWorkOrderId: input.agentWorkOrderId,
    sandboxPath: sandbox.sandboxPath,
    baseRef: sandbox.baseRef,
    step,
    pullRequestUrl: record.state.github_pull_request_url,
  });
  record.setLatestCommitMessage(tracked.evidence.latestCommitMessage);
  record.update({
    git_branch_name: detected.branchName ?? record.state.git_branch_name,
    current_phase: tracked.phase,
    git_commit_count: tracked.evidence.commitCount,
    git_files_changed: tracked.evidence.filesChanged,
  });
}
