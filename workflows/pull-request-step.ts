import type { CreatePullRequestInput } from '../activities/activity-types.js';
import type { WorkOrderStep } from '../src/models/work-order.js';
import { observeGit } from './git-observation.js';
import type { WorkOrderRun } from './work-order-run.js';

/** What `createPR` is given, by this step or by the step before it (early-push.ts). */
export function pullRequestInput(run: WorkOrderRun): CreatePullRequestInput {
  const { input, record, sandbox } = run;
  return {
    agentWorkOrderId: input.agentWorkOrderId,
    repositoryUrl: input.repositoryUrl,
    sandboxPath: sandbox.sandboxPath,
    baseBranch: sandbox.baseBranch,
    baseRef: sandbox.baseRef,
    branchName: record.state.git_branch_name,
    userRequest: input.userRequest,
    githubIssueNumber: input.githubIssueNumber ?? null,
    planOutput: run.planOutput,
    ...(run.lean ? { observe: true } : {}),
  };
}

/** Pushes the branch and opens (or reuses) the pull request, then records it as a step. */
export async function openPullRequest(run: WorkOrderRun, step: WorkOrderStep): Promise<void> {
  const { record, host } = run;
  record.update({ current_step: step });
  const startedAt = Date.now();
  const early = run.earlyPullRequest;
  run.earlyPullRequest = null;
  const pullRequest = early ?? (await host.createPR(pullRequestInput(run)));
  record.addStep({
    step,
    agent_name: 'github',
    success: true,
    output: pullRequest.pullRequestUrl,
    error_message: null,
    duration_seconds: early ? early.durationSeconds : (Date.now() - startedAt) / 1000,
    session_id: null,
    timestamp: new Date().toISOString(),
  });
  record.update({ github_pull_request_url: pullRequest.pullRequestUrl, git_branch_name: pullRequest.branchName });
  await observeGit(run, step, run.lean ? pullRequest.observation : null);
}
