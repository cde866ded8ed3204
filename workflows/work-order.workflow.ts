import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { createAdmissionActivities } from '../activities/admission.activities.js';
import type { createActivities } from '../activities/create-activities.js';
import type { RunAgentResult, SetupSandboxResult } from '../activities/activity-types.js';
import { initialWorkOrderState } from '../src/models/work-order-initial-state.js';
import {
  type AgentWorkOrder,
  type GitProgress,
  isAgentStep,
  promptStepName,
  type StepName,
  type StepRecord,
  type WorkOrderInput,
  type WorkOrderStep,
} from '../src/models/work-order.js';
import { admissionGrantedSignal, admissionReleaseSignal } from './admission-messages.js';
import {
  gitProgressQuery,
  pendingPromptsQuery,
  promptSignal,
  type PromptSignalPayload,
  stepHistoryQuery,
  workOrderStateQuery,
} from './messages.js';
import { awoPhaseKey, awoRepositoryKey, awoStatusKey, awoStepKey } from './search-attributes.js';

type Activities = ReturnType<typeof createActivities> & ReturnType<typeof createAdmissionActivities>;

const sharedActivities = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  retry: { maximumAttempts: 5, initialInterval: '2s', nonRetryableErrorTypes: ['SandboxNotImplementedError', 'RepositoryUrlError'] },
});

/** Thrown by the workflow itself; its message is what the user reads as the work order's error. */
class WorkOrderFailed extends Error {}

export async function agentWorkOrderWorkflow(input: WorkOrderInput): Promise<AgentWorkOrder> {
  const state: AgentWorkOrder = initialWorkOrderState(input);
  const steps: StepRecord[] = [];
  const pendingPrompts: PromptSignalPayload[] = [];
  let latestCommitMessage: string | null = null;

  setHandler(promptSignal, (prompt) => {
    pendingPrompts.push(prompt);
    state.pending_prompts = pendingPrompts.length;
  });
  setHandler(workOrderStateQuery, () => state);
  setHandler(gitProgressQuery, (): GitProgress => ({
    agent_work_order_id: state.agent_work_order_id,
    current_phase: state.current_phase,
    git_commit_count: state.git_commit_count,
    git_files_changed: state.git_files_changed,
    latest_commit_message: latestCommitMessage,
    git_branch_name: state.git_branch_name,
  }));
  setHandler(stepHistoryQuery, () => ({ agent_work_order_id: state.agent_work_order_id, steps }));
  setHandler(pendingPromptsQuery, () => pendingPrompts);
  let admitted = false;
  let admissionControllerId: string | null = null;
  setHandler(admissionGrantedSignal, () => {
    admitted = true;
  });

  const touch = (changes: Partial<AgentWorkOrder>) => {
    Object.assign(state, changes, { updated_at: new Date().toISOString() });
    upsertSearchAttributes([
      { key: awoStatusKey, value: state.status },
      { key: awoPhaseKey, value: state.current_phase ?? 'none' },
      { key: awoRepositoryKey, value: state.repository_url },
      { key: awoStepKey, value: state.current_step ?? 'none' },
    ]);
    setCurrentDetails(describe(state));
  };

  let sandbox: SetupSandboxResult | null = null;
  try {
    // Stays `pending` until the global admission controller grants a slot: no sandbox, no agent before that.
    touch({ status: 'pending' });
    ({ controllerId: admissionControllerId } = await sharedActivities.requestAdmission({ agentWorkOrderId: input.agentWorkOrderId, submittedAt: input.createdAt }));
    await condition(() => admitted);
    touch({ status: 'running', current_phase: 'setup' });
    sandbox = await sharedActivities.setupSandbox({
      agentWorkOrderId: input.agentWorkOrderId,
      repositoryUrl: input.repositoryUrl,
      sandboxType: input.sandboxType,
    });
    touch({ sandbox_identifier: sandbox.sandboxPath });
    const onHost = hostActivities(sandbox.hostTaskQueue, input);
    const issueText = input.githubIssueNumber
      ? await sharedActivities.loadIssue({
          agentWorkOrderId: input.agentWorkOrderId,
          repositoryUrl: input.repositoryUrl,
          issueNumber: input.githubIssueNumber,
        })
      : null;
    let planOutput: string | null = null;
    let promptsRunAfterPullRequest = false;

    const observeGit = async (step: StepName) => {
      const detected = await onHost.detectBranch({ sandboxPath: sandbox!.sandboxPath });
      const tracked = await onHost.trackPhase({
        agentWorkOrderId: input.agentWorkOrderId,
        sandboxPath: sandbox!.sandboxPath,
        baseRef: sandbox!.baseRef,
        step,
        pullRequestUrl: state.github_pull_request_url,
      });
      latestCommitMessage = tracked.evidence.latestCommitMessage;
      touch({
        git_branch_name: detected.branchName ?? state.git_branch_name,
        current_phase: tracked.phase,
        git_commit_count: tracked.evidence.commitCount,
        git_files_changed: tracked.evidence.filesChanged,
      });
    };

    /** Prompts already posted into a running step's inbox (taken or not, they are not posted again to that step). */
    const postedPromptIds = new Set<string>();

    // While the agent works, a new prompt goes straight into the running step (the agent takes it after its current
    // tool call); one the agent did not take stays queued and runs as a turn of its own afterwards.
    const postPromptsWhile = async (stepIndex: number, isRunning: () => boolean) => {
      for (;;) {
        await condition(() => !isRunning() || pendingPrompts.some((prompt) => !postedPromptIds.has(prompt.prompt_id)));
        if (!isRunning()) return;
        for (const prompt of pendingPrompts.filter((candidate) => !postedPromptIds.has(candidate.prompt_id))) {
          postedPromptIds.add(prompt.prompt_id);
          await onHost.deliverPrompt({ agentWorkOrderId: input.agentWorkOrderId, stepIndex, promptId: prompt.prompt_id, promptText: prompt.prompt_text });
        }
      }
    };

    const runAgentStep = async (step: RunAgentStep, promptText?: string): Promise<RunAgentResult> => {
      const stepIndex = steps.length;
      touch({ current_step: step });
      let running = true;
      // Handled from the start: on cancellation this rejects at once, and an unhandled rejection fails the workflow task.
      // A prompt that could not be posted simply keeps its queued turn.
      const posting = postPromptsWhile(stepIndex, () => running).catch(() => undefined);
      let result: RunAgentResult;
      try {
        result = await onHost.runAgent({
          agentWorkOrderId: input.agentWorkOrderId,
          step,
          stepIndex,
          sandboxPath: sandbox!.sandboxPath,
          userRequest: input.userRequest,
          issueText,
          branchName: state.git_branch_name,
          planOutput,
          promptText,
          // Each step starts a clean session of its command; a user prompt continues the latest one.
          resumeSessionId: step === promptStepName ? state.agent_session_id : null,
          timeoutSeconds: input.agentTimeoutSeconds,
        });
      } finally {
        running = false;
        await posting;
      }
      const timestamp = new Date().toISOString();
      steps.push({
        step,
        agent_name: 'claude-code',
        success: result.success,
        output: result.output,
        error_message: result.errorMessage,
        duration_seconds: result.durationSeconds,
        session_id: result.sessionId,
        timestamp,
        cost_usd: result.costUsd,
        ...(promptText !== undefined ? { prompt_text: promptText } : {}),
      });
      const delivered = new Set(result.deliveredPromptIds);
      for (const prompt of pendingPrompts.filter((candidate) => delivered.has(candidate.prompt_id))) {
        steps.push({
          step: promptStepName,
          agent_name: 'claude-code',
          success: result.success,
          output: result.output,
          error_message: result.errorMessage,
          duration_seconds: 0,
          session_id: result.sessionId,
          timestamp,
          prompt_text: prompt.prompt_text,
          delivered_during: step,
        });
      }
      pendingPrompts.splice(0, pendingPrompts.length, ...pendingPrompts.filter((candidate) => !delivered.has(candidate.prompt_id)));
      for (const prompt of pendingPrompts) postedPromptIds.delete(prompt.prompt_id);
      touch({ agent_session_id: result.sessionId ?? state.agent_session_id, pending_prompts: pendingPrompts.length });
      await observeGit(step);
      if (!result.success) throw new WorkOrderFailed(`step ${step} failed: ${result.errorMessage ?? 'the agent reported an error'}`);
      return result;
    };

    // Prompts run as turns of the same agent session, between steps, so they never race the running agent.
    const drainPrompts = async () => {
      while (pendingPrompts.length > 0) {
        const prompt = pendingPrompts.shift()!;
        state.pending_prompts = pendingPrompts.length;
        await runAgentStep(promptStepName, prompt.prompt_text);
        if (state.github_pull_request_url) promptsRunAfterPullRequest = true;
      }
    };

    const openPullRequest = async (step: WorkOrderStep) => {
      touch({ current_step: step });
      const startedAt = Date.now();
      const pullRequest = await onHost.createPR({
        agentWorkOrderId: input.agentWorkOrderId,
        repositoryUrl: input.repositoryUrl,
        sandboxPath: sandbox!.sandboxPath,
        baseBranch: sandbox!.baseBranch,
        baseRef: sandbox!.baseRef,
        branchName: state.git_branch_name,
        userRequest: input.userRequest,
        githubIssueNumber: input.githubIssueNumber ?? null,
        planOutput,
      });
      steps.push({
        step,
        agent_name: 'github',
        success: true,
        output: pullRequest.pullRequestUrl,
        error_message: null,
        duration_seconds: (Date.now() - startedAt) / 1000,
        session_id: null,
        timestamp: new Date().toISOString(),
      });
      touch({ github_pull_request_url: pullRequest.pullRequestUrl, git_branch_name: pullRequest.branchName });
      await observeGit(step);
    };

    for (const step of input.selectedCommands) {
      if (isAgentStep(step)) {
        const result = await runAgentStep(step);
        if (step === 'planning') planOutput = result.output;
      } else {
        await openPullRequest(step);
      }
      await drainPrompts();
    }
    // A prompt that arrived during the last step still gets its turn, and its commits reach the pull request.
    await drainPrompts();
    if (promptsRunAfterPullRequest) await openPullRequest('create-pr');

    touch({ status: 'completed', current_phase: state.github_pull_request_url ? 'pr_created' : 'finished', current_step: null });
    return state;
  } catch (error) {
    if (isCancellation(error)) {
      touch({ status: 'cancelled', error_message: 'cancelled by request' });
    } else {
      touch({ status: 'failed', error_message: failureMessage(error, state.current_step) });
    }
    throw error instanceof WorkOrderFailed ? ApplicationFailure.nonRetryable(error.message, 'WorkOrderFailed') : error;
  } finally {
    await CancellationScope.nonCancellable(async () => {
      if (admissionControllerId) {
        // Also sent when the work order never got its slot, so it leaves the line.
        await getExternalWorkflowHandle(admissionControllerId)
          .signal(admissionReleaseSignal, { agentWorkOrderId: input.agentWorkOrderId })
          .catch(() => undefined);
      }
      const cleanupQueue = sandbox?.hostTaskQueue;
      const cleanup = cleanupQueue ? hostActivities(cleanupQueue, input).cleanup : sharedActivities.cleanup;
      try {
        await cleanup({
          agentWorkOrderId: input.agentWorkOrderId,
          mirrorPath: sandbox?.mirrorPath ?? null,
          status: state.status,
          errorMessage: state.error_message,
          finalState: { ...state, steps },
        });
      } catch {
        // A host that never comes back must not keep the work order open; retention removes what is left.
      }
    });
  }
}

type RunAgentStep = Exclude<StepName, 'create-pr'>;

/** How long sandbox work waits for its host to poll before the work order gives up on a host that is gone. */
const hostPickupTimeout = '15 minutes';

/** Sandbox work is pinned to the worker host that holds the checkout. */
function hostActivities(hostTaskQueue: string, input: WorkOrderInput) {
  const agent = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    scheduleToStartTimeout: hostPickupTimeout,
    startToCloseTimeout: `${input.agentTimeoutSeconds + 300} seconds`,
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    // The workflow waits until the agent's process group is really gone before cleaning the sandbox.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { maximumAttempts: 3, initialInterval: '1s', nonRetryableErrorTypes: ['CommandNotFoundError'] },
  });
  const git = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    scheduleToStartTimeout: hostPickupTimeout,
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '30 minutes',
    retry: { maximumAttempts: 5, initialInterval: '2s', nonRetryableErrorTypes: ['NothingToPushError'] },
  });
  const cleanup = proxyActivities<Activities>({
    taskQueue: hostTaskQueue,
    startToCloseTimeout: '5 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: { maximumAttempts: 5, initialInterval: '2s' },
  });
  return {
    runAgent: agent.runAgent,
    deliverPrompt: git.deliverPrompt,
    detectBranch: git.detectBranch,
    trackPhase: git.trackPhase,
    createPR: git.createPR,
    cleanup: cleanup.cleanup,
  };
}

function failureMessage(error: unknown, step: StepName | null): string {
  if (error instanceof WorkOrderFailed) return error.message;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.SCHEDULE_TO_START) {
    return `${step ? `step ${step} failed: ` : ''}the worker host holding the sandbox did not pick up the work within ${hostPickupTimeout}`;
  }
  const message = (cause as { message?: string } | undefined)?.message ?? (error instanceof Error ? error.message : String(error));
  return step ? `step ${step} failed: ${message}` : message;
}

function describe(state: AgentWorkOrder): string {
  const lines = [
    `**${state.status}**${state.current_step ? ` — step \`${state.current_step}\`` : ''}${state.current_phase ? `, phase ${state.current_phase}` : ''}`,
    `repository: ${state.repository_url}`,
    `branch: ${state.git_branch_name ?? '—'}, commits: ${state.git_commit_count}, files changed: ${state.git_files_changed}`,
  ];
  if (state.github_pull_request_url) lines.push(`pull request: ${state.github_pull_request_url}`);
  if (state.error_message) lines.push(`error: ${state.error_message}`);
  if (state.pending_prompts > 0) lines.push(`prompts waiting: ${state.pending_prompts}`);
  return lines.join('\n');
}
