import type { PushForPullRequest, RunAgentResult } from '../activities/activity-types.js';
import { promptStepName, type StepName } from '../src/models/work-order-steps.js';
import { endIfCancelRequested } from './cancel-reach.js';
import { observeGit } from './git-observation.js';
import { BudgetExceeded, budgetForStep, totalsAfter } from './work-order-budget.js';
import { WorkOrderFailed } from './work-order-failure.js';
import type { WorkOrderRun } from './work-order-run.js';

export type AgentStepName = Exclude<StepName, 'create-pr'>;

/**
 * Runs one agent step (or a prompt's turn), records it with the prompts it took, and the git it left behind.
 * `pushForPullRequest`: the step comes right before the pull request, whose push it may start early.
 */
export async function runAgentStep(run: WorkOrderRun, step: AgentStepName, promptText?: string, pushForPullRequest?: PushForPullRequest): Promise<RunAgentResult> {
  const { input, record, prompts, sandbox, host } = run;
  const stepIndex = record.steps.length;
  const budget = budgetForStep(run, step);
  record.update({ current_step: step });
  let running = true;
  // Handled from the start: on cancellation this rejects at once, and an unhandled rejection fails the workflow task.
  // A prompt that could not be posted simply keeps its queued turn.
  const posting = prompts
    .postWhile(
      () => running,
      (prompt) => host.deliverPrompt({ agentWorkOrderId: input.agentWorkOrderId, stepIndex, promptId: prompt.prompt_id, promptText: prompt.prompt_text }),
    )
    .catch(() => undefined);
  let result: RunAgentResult;
  try {
    result = await host.runAgent({
      agentWorkOrderId: input.agentWorkOrderId,
      step,
      stepIndex,
      sandboxPath: sandbox.sandboxPath,
      userRequest: input.userRequest,
      issueText: run.issueText,
      branchName: record.state.git_branch_name,
      planOutput: run.planOutput,
      promptText,
      // Each step starts a clean session of its command; a user prompt continues the latest one.
      resumeSessionId: step === promptStepName ? record.state.agent_session_id : null,
      timeoutSeconds: input.agentTimeoutSeconds,
      ...(budget ? { budget } : {}),
      ...(run.lean ? { observe: { baseRef: sandbox.baseRef, pullRequestUrl: record.state.github_pull_request_url } } : {}),
      ...(pushForPullRequest ? { pushForPullRequest } : {}),
    });
  } finally {
    running = false;
    await posting;
  }
  recordAgentStep(run, step, result, promptText);
  record.update({ agent_session_id: result.sessionId ?? record.state.agent_session_id, pending_prompts: prompts.queued, ...totalsAfter(record.state, result) });
  await observeGit(run, step, run.lean ? result.observation : null);
  // Before the step's outcome decides anything: an agent stopped by the cancel reports a failure, one that finished
  // before it heard of the cancel a success; either way the work order was cancelled.
  await endIfCancelRequested();
  if (result.budgetExceeded) {
    record.keepSandbox = true;
    throw new BudgetExceeded(result.budgetExceeded);
  }
  if (!result.success) throw new WorkOrderFailed(`step ${step} failed: ${result.errorMessage ?? 'the agent reported an error'}`);
  return result;
}

/** The step, then one entry per prompt its agent took while running (answered by the same output). */
function recordAgentStep(run: WorkOrderRun, step: AgentStepName, result: RunAgentResult, promptText: string | undefined): void {
  const timestamp = new Date().toISOString();
  const outcome = { agent_name: 'claude-code', success: result.success, output: result.output, error_message: result.errorMessage, session_id: result.sessionId, timestamp };
  run.record.addStep({
    step,
    ...outcome,
    duration_seconds: result.durationSeconds,
    cost_usd: result.costUsd,
    ...(result.usage ? { input_tokens: result.usage.input_tokens, output_tokens: result.usage.output_tokens, turns: result.usage.turns } : {}),
    ...(promptText !== undefined ? { prompt_text: promptText } : {}),
  });
  for (const prompt of run.prompts.takeDelivered(result.deliveredPromptIds)) {
    run.record.addStep({ step: promptStepName, ...outcome, duration_seconds: 0, prompt_text: prompt.prompt_text, delivered_during: step });
  }
}

/** Queued prompts run as turns of the same agent session, between steps, so they never race the running agent. */
export async function runQueuedPrompts(run: WorkOrderRun): Promise<void> {
  for (let prompt = run.prompts.next(); prompt; prompt = run.prompts.next()) {
    // Its commits are not in the pull request the step before opened: createPR pushes them.
    run.earlyPullRequest = null;
    await runAgentStep(run, promptStepName, prompt.prompt_text);
    if (run.record.state.github_pull_request_url) run.promptsRunAfterPullRequest = true;
  }
}
