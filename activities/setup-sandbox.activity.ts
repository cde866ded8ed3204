import { ApplicationFailure } from '@temporalio/common';
import { remoteRefusal } from '../src/git/remote-failure.js';
import { parseRepositoryUrl } from '../src/github/repository-url.js';
import { SandboxNotImplementedError } from '../src/sandbox/sandbox-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { LoadIssueInput, SetupSandboxInput, SetupSandboxResult } from './activity-types.js';
import { workOrderEvent } from './work-order-event.js';

export function createSetupActivities(deps: ActivityDeps) {
  return {
    async setupSandbox(input: SetupSandboxInput): Promise<SetupSandboxResult> {
      const repository = parseRepositoryUrl(input.repositoryUrl, deps.githubServerUrl);
      const host = new URL(repository.cloneUrl).host.replace(/[^\w.-]/g, '_');
      try {
        const sandbox = await deps.sandboxes.create(
          {
            agentWorkOrderId: input.agentWorkOrderId,
            sandboxType: input.sandboxType,
            cloneUrl: repository.cloneUrl,
            owner: repository.owner,
            name: repository.name,
            host,
          },
          { token: await deps.githubToken(), scopeUrl: deps.githubServerUrl },
        );
        if (sandbox.mirrorAction) {
          workOrderEvent(deps, input.agentWorkOrderId, null, 'info', `sandbox_mirror_${sandbox.mirrorAction}`, { mirror_path: sandbox.mirrorPath });
        }
        workOrderEvent(deps, input.agentWorkOrderId, null, 'info', 'sandbox_sandbox_ready', {
          sandbox_type: input.sandboxType,
          sandbox_path: sandbox.sandboxPath,
          base_branch: sandbox.baseBranch,
          reused: sandbox.reused,
          host_task_queue: deps.hostTaskQueue,
        });
        return { repository, ...sandbox, hostTaskQueue: deps.hostTaskQueue };
      } catch (error) {
        if (error instanceof SandboxNotImplementedError) {
          throw ApplicationFailure.nonRetryable(error.message, 'SandboxNotImplementedError');
        }
        workOrderEvent(deps, input.agentWorkOrderId, null, 'error', 'sandbox_setup_failed', { error: String(error) });
        const refusal = remoteRefusal(error);
        // Retrying a missing or forbidden repository only made the user wait minutes for the same answer.
        if (refusal) throw ApplicationFailure.nonRetryable(`cannot fetch ${repository.cloneUrl}: ${refusal}`, 'RepositoryUnavailableError');
        throw error;
      }
    },

    async loadIssue(input: LoadIssueInput): Promise<string> {
      const repository = parseRepositoryUrl(input.repositoryUrl, deps.githubServerUrl);
      const issue = await deps.github(await deps.githubToken()).getIssue(repository, input.issueNumber);
      workOrderEvent(deps, input.agentWorkOrderId, null, 'info', 'github_issue_loaded', { issue_number: issue.number });
      return `#${issue.number} ${issue.title}\n\n${issue.body}`;
    },
  };
}
