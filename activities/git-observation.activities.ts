import { currentBranch, type GitEvidence, readGitEvidence } from '../src/git/git-evidence.js';
import { computePhase } from '../src/progress/phase.js';
import type { ActivityDeps } from './activity-deps.js';
import type { TrackPhaseInput, TrackPhaseResult } from './activity-types.js';
import { workOrderEvent } from './work-order-event.js';

export function createGitObservationActivities(deps: ActivityDeps) {
  return {
    /** The branch the sandbox is on, from git; null while HEAD is detached at the base commit. */
    async detectBranch(input: { sandboxPath: string }): Promise<{ branchName: string | null }> {
      return { branchName: await currentBranch(input.sandboxPath, deps.sandboxes.agentGit) };
    },

    async trackPhase(input: TrackPhaseInput): Promise<TrackPhaseResult> {
      return observeGitProgress(deps, input);
    },
  };
}

/** Phase and git evidence after a step, logged; also read by the step's own activity so it rides with its result. */
export async function observeGitProgress(deps: ActivityDeps, input: TrackPhaseInput): Promise<TrackPhaseResult> {
  return reportGitProgress(deps, input, await readGitEvidence(input.sandboxPath, input.baseRef, deps.sandboxes.agentGit));
}

/** Phase from evidence the caller read already, logged as observeGitProgress logs it. */
export function reportGitProgress(deps: ActivityDeps, input: Omit<TrackPhaseInput, 'sandboxPath' | 'baseRef'>, evidence: GitEvidence): TrackPhaseResult {
  const phase = computePhase({ step: input.step, evidence, pullRequestUrl: input.pullRequestUrl });
  workOrderEvent(deps, input.agentWorkOrderId, input.step, 'info', 'git_progress_observed', {
    phase,
    branch: evidence.branchName,
    commit_count: evidence.commitCount,
    files_changed: evidence.filesChanged,
    uncommitted_files: evidence.uncommittedFiles,
    latest_commit_message: evidence.latestCommitMessage,
  });
  return { phase, evidence };
}

/**
 * The same, for an activity whose real work is done: a git error here must not fail (and so repeat) that work. Null
 * tells the workflow to observe with the separate activities instead.
 */
export async function observeGitProgressAfter(deps: ActivityDeps, input: TrackPhaseInput): Promise<TrackPhaseResult | null> {
  try {
    return await observeGitProgress(deps, input);
  } catch (error) {
    deps.logger.warn({ event: 'git_progress_observation_failed', agent_work_order_id: input.agentWorkOrderId, error: String(error) }, 'git_progress_observation_failed');
    return null;
  }
}
