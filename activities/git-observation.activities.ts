import { currentBranch, readGitEvidence } from '../src/git/git-evidence.js';
import { computePhase } from '../src/progress/phase.js';
import type { ActivityDeps } from './activity-deps.js';
import type { TrackPhaseInput, TrackPhaseResult } from './activity-types.js';
import { workOrderEvent } from './work-order-event.js';

export function createGitObservationActivities(deps: ActivityDeps) {
  return {
    /** The branch the sandbox is on, from git; null while HEAD is detached at the base commit. */
    async detectBranch(input: { sandboxPath: string }): Promise<{ branchName: string | null }> {
      return { branchName: await currentBranch(input.sandboxPath) };
    },

    async trackPhase(input: TrackPhaseInput): Promise<TrackPhaseResult> {
      const evidence = await readGitEvidence(input.sandboxPath, input.baseRef);
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
    },
  };
}
