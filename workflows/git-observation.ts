import type { TrackPhaseResult } from '../activities/activity-types.js';
import type { StepName } from '../src/models/work-order.js';
import type { WorkOrderRun } from './work-order-run.js';

/**
 * Reads branch, phase and commit evidence from git in the sandbox after a step (never from the agent's words). The
 * step's activity usually brought it along (`observed`); otherwise (a work order from before lean orchestration, an
 * older worker on the host, or git failing there) two activities on the host read it.
 */
export async function observeGit(run: WorkOrderRun, step: StepName, observed?: TrackPhaseResult | null): Promise<void> {
  const { input, record, sandbox, host } = run;
  let branchName: string | null;
  let tracked: TrackPhaseResult;
  if (observed) {
    ({ branchName } = observed.evidence);
    tracked = observed;
  } else {
    ({ branchName } = await host.detectBranch({ sandboxPath: sandbox.sandboxPath }));
    tracked = await host.trackPhase({
      agentWorkOrderId: input.agentWorkOrderId,
      sandboxPath: sandbox.sandboxPath,
      baseRef: sandbox.baseRef,
      step,
      pullRequestUrl: record.state.github_pull_request_url,
    });
  }
  record.setLatestCommitMessage(tracked.evidence.latestCommitMessage);
  record.update({
    git_branch_name: branchName ?? record.state.git_branch_name,
    current_phase: tracked.phase,
    git_commit_count: tracked.evidence.commitCount,
    git_files_changed: tracked.evidence.filesChanged,
  });
}
