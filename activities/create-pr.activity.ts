import { ApplicationFailure } from '@temporalio/common';
import { BranchPushes } from '../src/git/branch-pushes.js';
import { TurnEndReadings } from '../src/git/turn-end-readings.js';
import { gitAuthEnv } from '../src/git/git-auth.js';
import { readGitEvidenceAndCommits } from '../src/git/git-evidence.js';
import { git } from '../src/git/git-runner.js';
import { pushBranch } from '../src/git/push-branch.js';
import { parseRepositoryUrl } from '../src/github/repository-url.js';
import type { ActivityDeps } from './activity-deps.js';
import type { CreatePullRequestInput, CreatePullRequestResult } from './activity-types.js';
import { pullRequestText } from '../src/github/pull-request-text.js';
import { reportGitProgress } from './git-observation.activities.js';
import { workOrderEvent } from './work-order-event.js';

export function createPullRequestActivity(deps: ActivityDeps, pushes: BranchPushes = new BranchPushes(), readings: TurnEndReadings = new TurnEndReadings()) {
  return {
    /** Pushes the work order's branch and opens its pull request, or returns the one already open for that branch. */
    async createPR(input: CreatePullRequestInput): Promise<CreatePullRequestResult> {
      const cwd = input.sandboxPath;
      // Every git command in the sandbox runs as the agent (its config is the agent's); the push runs from elsewhere.
      const as = deps.sandboxes.agentGit;
      // What was committed, which also names the tip and the pull request's commits: as the step before read it when
      // its agent's turn ended (nothing ran in the sandbox since), else read now.
      const turnEnd = readings.take(input.agentWorkOrderId);
      const sandboxRead = turnEnd ? Promise.resolve(turnEnd) : readGitEvidenceAndCommits(cwd, input.baseRef, as);
      sandboxRead.catch(() => undefined);
      const token = await deps.githubToken();
      if (!token) throw ApplicationFailure.nonRetryable('GITHUB_TOKEN is not set: it is needed to push the branch and open the pull request', 'MissingTokenError');
      const repository = parseRepositoryUrl(input.repositoryUrl, deps.githubServerUrl);
      const github = deps.github(token);
      const { evidence, commitSubjects, baseCommits } = await sandboxRead;
      if (evidence.commitCount === 0 || evidence.headSha === null) {
        throw ApplicationFailure.nonRetryable(
          `nothing to open a pull request for: no commits on top of ${input.baseBranch}${evidence.uncommittedFiles > 0 ? ` (${evidence.uncommittedFiles} files changed but not committed)` : ''}`,
          'NothingToPushError',
        );
      }
      // Work committed straight onto the default branch (or a detached HEAD) still gets a branch of its own:
      // the service never pushes to the default branch.
      let branchName = evidence.branchName;
      if (!branchName || branchName === input.baseBranch) {
        branchName = `awo/${input.agentWorkOrderId}`;
        await git(['branch', '--force', branchName, 'HEAD'], { cwd, as });
        await git(['checkout', '--quiet', branchName], { cwd, as });
      }
      // The branch is checked out, so its tip is the HEAD the evidence read.
      const pushedHere = await pushWorkOrderBranch(deps, pushes, {
        agentWorkOrderId: input.agentWorkOrderId,
        sandboxPath: cwd,
        branchName,
        tip: evidence.headSha,
        // A branch made here from HEAD grows from the same base commits.
        remoteHas: baseCommits,
        // Where the objects are is asked only when this push is made: not when the step before made it.
        access: async () => ({ cloneUrl: repository.cloneUrl, token, objectStore: await deps.sandboxes.objectStoreOf(cwd) }),
      });
      workOrderEvent(deps, input.agentWorkOrderId, 'create-pr', 'info', 'github_branch_pushed', {
        branch: branchName,
        commit_count: evidence.commitCount,
        pushed_by_step: !pushedHere,
        read_by_step: turnEnd !== null,
      });

      const { title, body } = pullRequestText({ ...input, commitSubjects: commitSubjects.filter(Boolean) });
      const pullRequest = await github.openOrReusePullRequest({ repository, headBranch: branchName, baseBranch: input.baseBranch, title, body });
      workOrderEvent(deps, input.agentWorkOrderId, 'create-pr', 'info', pullRequest.created ? 'github_pull_request_opened' : 'github_pull_request_reused', {
        pull_request_url: pullRequest.htmlUrl,
        pull_request_number: pullRequest.number,
      });
      const opened = { pullRequestUrl: pullRequest.htmlUrl, pullRequestNumber: pullRequest.number, branchName, created: pullRequest.created };
      if (!input.observe) return opened;
      // Pushing and opening the pull request change nothing in the sandbox: what was read above, on the branch pushed.
      const observation = reportGitProgress(deps, { agentWorkOrderId: input.agentWorkOrderId, step: 'create-pr', pullRequestUrl: opened.pullRequestUrl }, { ...evidence, branchName });
      return { ...opened, observation };
    },
  };
}

export interface WorkOrderBranchPush {
  agentWorkOrderId: string;
  sandboxPath: string;
  branchName: string;
  tip: string;
  /** Commits the forge has that the branch's commits grow from (SandboxReading.baseCommits): the push is then one POST. */
  remoteHas?: readonly string[];
  /** What the push needs beyond that, read only when a push is made. */
  access: () => Promise<PushAccess>;
}

export interface PushAccess {
  /** Credential-free URL of the repository on the forge. */
  cloneUrl: string;
  token: string;
  /** The sandbox's object folder (SandboxManager.objectStoreOf). */
  objectStore: string;
}

/**
 * Pushes the work order's branch through `pushes`, which skips the push when an earlier one of this worker put the same
 * tip there (or waits for it while it runs). True when this call pushed.
 */
export async function pushWorkOrderBranch(deps: ActivityDeps, pushes: BranchPushes, push: WorkOrderBranchPush): Promise<boolean> {
  let ran = false;
  await pushes.push(push.agentWorkOrderId, { branchName: push.branchName, tip: push.tip }, async (lease) => {
    ran = true;
    const { cloneUrl, token, objectStore } = await push.access();
    await pushBranch({
      sandboxPath: push.sandboxPath,
      branchName: push.branchName,
      cloneUrl,
      authEnv: gitAuthEnv(token, { scopeUrl: deps.githubServerUrl }),
      as: deps.sandboxes.agentGit,
      objectStore,
      tip: push.tip,
      ...(lease === undefined ? {} : { lease }),
      ...(push.remoteHas ? { remoteHas: push.remoteHas } : {}),
      httpAccess: { token, scopeUrl: deps.githubServerUrl },
      onHttpDeclined: (reason) => deps.logger.debug({ event: 'github_http_push_declined', agent_work_order_id: push.agentWorkOrderId, reason }, 'github_http_push_declined'),
    });
  });
  return ran;
}
