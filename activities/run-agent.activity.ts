import { existsSync, rmSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentEvent, AgentExit, AgentRunOutcome, RunningAgent } from '../src/agent/agent-types.js';
import { SerialWriter } from '../src/artifacts/serial-writer.js';
import { BatchedLines } from '../src/artifacts/batched-lines.js';
import { CommandNotFoundError, loadCommand, renderCommand } from '../src/commands/command-loader.js';
import { buildStepArguments } from '../src/commands/step-arguments.js';
import type { ActivityDeps } from './activity-deps.js';
import type { CreatePullRequestInput, CreatePullRequestResult, EarlyPullRequest, PushForPullRequest, RunAgentInput, RunAgentResult } from './activity-types.js';
import { createPullRequestActivity, type PushAccess, pushWorkOrderBranch } from './create-pr.activity.js';
import { BranchPushes } from '../src/git/branch-pushes.js';
import { parseRepositoryUrl } from '../src/github/repository-url.js';
import { startPromptInjection } from '../src/agent/prompt-injection.js';
import { killStaleAgent, recordRunningAgent } from '../src/agent/stale-agent.js';
import { ExitingAgents } from '../src/agent/exiting-agents.js';
import { lastLines } from '../src/process/process-runner.js';
import { observeGitProgressAfter, reportGitProgress } from './git-observation.activities.js';
import { readGitEvidenceAndCommits, type SandboxReading } from '../src/git/git-evidence.js';
import { TurnEndReadings } from '../src/git/turn-end-readings.js';
import { workOrderEvent } from './work-order-event.js';
import { BudgetGuard } from '../src/agent/budget-guard.js';
import { ProgressHeartbeat } from '../src/agent/progress-heartbeat.js';
import { addUsage, type AgentUsage, noUsage } from '../src/models/work-order-budget.js';

interface AgentHeartbeat {
  sessionId: string | null;
  /** Prompts the agent took during this step: a retried attempt must not report them undelivered. */
  deliveredPromptIds?: string[];
  /** What the step's agents used and how long they ran, so an attempt after a crash counts it against the budget. */
  usage?: AgentUsage;
  seconds?: number;
}

// Short, so a cancellation (answered to a heartbeat) stops the agent within a second; the worker throttles the RPCs.
// Beats come only while the agent makes progress (ProgressHeartbeat).
const heartbeatIntervalMs = 500;
/** How long the next user of a sandbox waits for an agent that returned at its turn's end to exit before killing it. */
export const agentExitWaitMs = 5_000;
const continuationPrompt =
  'Your previous run of this step was interrupted before it finished (the worker running you stopped). ' +
  'Check the current state of the repository, then continue from where you stopped and complete the step as originally instructed.';

function idleContinuationPrompt(idleTimeoutSeconds: number): string {
  return (
    `Your previous run of this step was stopped because it made no progress (no output, no CPU use) for ${idleTimeoutSeconds} s, ` +
    'probably waiting on a command that never ends or asks for input. Check the current state of the repository, avoid ' +
    'commands that wait forever (servers, watchers, interactive prompts), and complete the step as originally instructed.'
  );
}

export function createRunAgentActivity(
  deps: ActivityDeps,
  pushes: BranchPushes = new BranchPushes(),
  readings: TurnEndReadings = new TurnEndReadings(),
  createPR: (input: CreatePullRequestInput) => Promise<CreatePullRequestResult> = createPullRequestActivity(deps, pushes, readings).createPR,
  exits: ExitingAgents = new ExitingAgents(),
) {
  return {
    async runAgent(input: RunAgentInput): Promise<RunAgentResult> {
      // This agent may change the sandbox: what an earlier step read of it no longer stands for createPR.
      readings.forget(input.agentWorkOrderId);
      const context = Context.current();
      const { attempt } = context.info;
      const stepLabel = `${String(input.stepIndex).padStart(2, '0')}-${input.step}${attempt > 1 ? `-attempt${attempt}` : ''}`;
      const pidFile = deps.artifacts.agentPidFile(input.agentWorkOrderId);

      if (!existsSync(input.sandboxPath)) {
        throw ApplicationFailure.nonRetryable(`the sandbox ${input.sandboxPath} no longer exists on this host`, 'SandboxMissingError');
      }

      const lastHeartbeat = attempt > 1 ? (context.info.heartbeatDetails as AgentHeartbeat | undefined) : undefined;
      const crashedSessionId = lastHeartbeat?.sessionId ?? null;
      const deliveredPromptIds = [...(lastHeartbeat?.deliveredPromptIds ?? [])];
      const resumeSessionId = crashedSessionId ?? input.resumeSessionId;
      // At once, since the agent waits for all three: a worker that died mid-step may have left its agent running in
      // the sandbox (two agents must never share it), the prompt, the settings.
      const [, prompt, settings] = await Promise.all([
        exits.gone(input.agentWorkOrderId, agentExitWaitMs).then(() => killStaleAgent(pidFile)),
        crashedSessionId ? continuationPrompt : buildPrompt(deps, input),
        deps.agentSettings(),
      ]);
      const writer = new SerialWriter();
      const outputLines = new BatchedLines(writer, (lines) => deps.artifacts.appendAgentOutput(input.agentWorkOrderId, stepLabel, lines));
      // The prompt file is for people: written while the agent starts, flushed before the step ends.
      writer.push(async () => void (await deps.artifacts.savePrompt(input.agentWorkOrderId, stepLabel, prompt)));
      workOrderEvent(deps, input.agentWorkOrderId, input.step, 'info', 'agent_step_started', {
        attempt,
        resume_session_id: resumeSessionId,
        resumed_after_crash: crashedSessionId !== null,
      });

      let sessionId: string | null = resumeSessionId;
      let agentPid: number | null = null;
      const earlierSeconds = lastHeartbeat?.seconds ?? 0;
      // Usage of the runs that ended (an earlier attempt's, the run before an idle resume) and of the running one.
      let endedRunsUsage = lastHeartbeat?.usage ?? noUsage;
      let stepUsage = endedRunsUsage;
      const idleTimeoutSeconds = settings.idleTimeoutSeconds;
      const startedAt = Date.now();
      const budget = new BudgetGuard(input.budget, earlierSeconds);
      const heartbeat = new ProgressHeartbeat(
        () => context.heartbeat({ sessionId, deliveredPromptIds, usage: stepUsage, seconds: earlierSeconds + (Date.now() - startedAt) / 1000 } satisfies AgentHeartbeat),
        { idleTimeoutMs: idleTimeoutSeconds * 1000, intervalMs: heartbeatIntervalMs },
      );
      const progressed = () => heartbeat.noteProgress();
      const afterTurn = new EvidenceAfterTurn(deps, input, pushes);
      let injection: { stop(): Promise<void> } | null = null;
      heartbeat.start();
      budget.start();
      const stopSignal = AbortSignal.any([context.cancellationSignal, budget.signal]);
      let outcome: AgentRunOutcome;
      // Set when the step returns at its turn's end: the CLI is still shutting down (see ExitingAgents).
      let exiting: Promise<AgentExit> | undefined;
      const runOnce = (resuming: boolean) =>
        deps.agent.run({
          cwd: input.sandboxPath,
          prompt: resuming ? idleContinuationPrompt(idleTimeoutSeconds) : prompt,
          model: settings.model,
          ...(settings.cliPath ? { cliPath: settings.cliPath } : {}),
          resumeSessionId: (resuming ? sessionId : resumeSessionId) ?? undefined,
          maxTurns: settings.maxTurns,
          skipPermissions: settings.skipPermissions,
          timeoutMs: Math.max(1000, input.timeoutSeconds * 1000 - (Date.now() - startedAt)),
          idleTimeoutMs: idleTimeoutSeconds * 1000,
          onProgress: progressed,
          env: deps.agentEnv(),
          signal: stopSignal,
          settleAtTurnEnd: true,
          onUsage: (usage) => {
            stepUsage = addUsage(endedRunsUsage, usage);
            budget.noteUsage(stepUsage);
          },
          onSpawn: (pid, agent) => {
            heartbeat.runStarted();
            afterTurn.agentStarted(agent);
            agentPid = pid;
            writer.push(() => recordRunningAgent(pidFile, pid, sessionId));
            void injection?.stop();
            injection = startPromptInjection({
              inbox: deps.promptInbox,
              agentWorkOrderId: input.agentWorkOrderId,
              stepIndex: input.stepIndex,
              agent,
              onInjected: (promptId) => workOrderEvent(deps, input.agentWorkOrderId, input.step, 'info', 'agent_prompt_injected', { prompt_id: promptId }),
              onError: (error) => deps.logger.warn({ event: 'agent_prompt_injection_failed', error: String(error) }, 'agent_prompt_injection_failed'),
            });
          },
          onPromptDelivered: (promptId) => {
            deliveredPromptIds.push(promptId);
            progressed();
            workOrderEvent(deps, input.agentWorkOrderId, input.step, 'info', 'agent_prompt_delivered', { prompt_id: promptId });
          },
          onEvent: (event, rawLine) => {
            afterTurn.noteEvent(event);
            if (event.type === 'session_started') {
              sessionId = event.sessionId;
              const pid = agentPid;
              if (pid !== null) writer.push(() => recordRunningAgent(pidFile, pid, event.sessionId));
            }
            if (event.type === 'result' && event.result.sessionId) sessionId = event.result.sessionId;
            progressed();
            outputLines.push(rawLine);
            const logged = agentLogEntry(event);
            if (logged) workOrderEvent(deps, input.agentWorkOrderId, input.step, logged.level, logged.event, logged.fields);
          },
        });
      const runCounted = async (resuming: boolean) => {
        const run = await runOnce(resuming);
        endedRunsUsage = stepUsage = addUsage(endedRunsUsage, run.usage);
        return run;
      };
      try {
        outcome = await runCounted(false);
        // A hung agent gets one more chance in the same session (what it did so far is kept), then the step fails.
        if (outcome.idle && sessionId !== null) {
          workOrderEvent(deps, input.agentWorkOrderId, input.step, 'warn', 'agent_idle_resumed', { session_id: sessionId, idle_timeout_seconds: idleTimeoutSeconds });
          outcome = await runCounted(true);
        }
        exiting = outcome.exit;
      } finally {
        budget.stop();
        heartbeat.stop();
        await (injection as { stop(): Promise<void> } | null)?.stop();
        await writer.flush().catch((error: unknown) => deps.logger.warn({ error: String(error) }, 'agent_artifact_write_failed'));
        // After the writes that record the agent in it; synchronous, a thread pool round trip less before the result.
        // An agent still exiting keeps its file until it is gone: a worker restarted meanwhile then kills it.
        if (!exiting) removePidFile(deps, pidFile);
      }
      if (exiting) exits.hold(input.agentWorkOrderId, afterExit(deps, input, pidFile, exiting));

      if (outcome.aborted && context.cancellationSignal.aborted) {
        workOrderEvent(deps, input.agentWorkOrderId, input.step, 'warn', 'agent_step_cancelled', { session_id: sessionId });
        // Rejects with Temporal's CancelledFailure, so the workflow records the work order as cancelled, not failed.
        await context.cancelled;
      }

      const durationSeconds = earlierSeconds + (Date.now() - startedAt) / 1000;
      const budgetExceeded = budget.exceeded ? `budget exceeded: ${budget.exceeded} in step ${input.step}` : null;
      const stepResult = budgetExceeded
        ? { sessionId, durationSeconds, resumedAfterCrash: crashedSessionId !== null, success: false, output: outcome.result?.resultText ?? null, errorMessage: budgetExceeded }
        : toStepResult(outcome, sessionId, durationSeconds, input.timeoutSeconds, idleTimeoutSeconds, crashedSessionId !== null);
      const result: RunAgentResult = { ...stepResult, costUsd: stepUsage.cost_usd, deliveredPromptIds, usage: stepUsage, budgetExceeded };
      workOrderEvent(deps, input.agentWorkOrderId, input.step, result.success ? 'info' : 'error', result.success ? 'agent_step_completed' : 'agent_step_failed', {
        session_id: result.sessionId,
        duration_seconds: durationSeconds,
        cost_usd: stepUsage.cost_usd,
        input_tokens: stepUsage.input_tokens,
        output_tokens: stepUsage.output_tokens,
        turns: stepUsage.turns,
        error_message: result.errorMessage,
      });
      if (budgetExceeded) workOrderEvent(deps, input.agentWorkOrderId, input.step, 'error', 'agent_budget_exceeded', { reason: budget.exceeded, ...input.budget?.limits });
      if (!input.observe) return result;
      const observed = { agentWorkOrderId: input.agentWorkOrderId, sandboxPath: input.sandboxPath, step: input.step, ...input.observe };
      const early = await afterTurn.readingFor(outcome);
      // The pull request comes next: createPR opens it on this reading instead of reading the sandbox again.
      if (early && input.pushForPullRequest && result.success) readings.keep(input.agentWorkOrderId, early);
      const observation = early ? reportGitProgress(deps, observed, early.evidence) : await observeGitProgressAfter(deps, observed);
      const pullRequestInput = input.pushForPullRequest?.pullRequest;
      if (!pullRequestInput || !result.success) return { ...result, observation };
      const pullRequest = await openEarly(deps, createPR, pullRequestInput);
      return { ...result, observation, ...(pullRequest ? { pullRequest } : {}) };
    },
  };
}

/**
 * The git evidence of the step, read after each tool's result while the model writes its next answer (one reading at
 * a time, the next begun when it ends if another tool finished meanwhile). The turn's result takes the newest one when
 * no tool event came after it began and no tool process ran then (one sent to the background may change the sandbox
 * later); otherwise it reads afresh, while the CLI shuts down (tens of milliseconds in which it changes nothing in the
 * sandbox). That reading counts only when nothing came after the result and no process of the agent outlived the
 * CLI; otherwise the evidence is read afresh after the run.
 *
 * When `createPR` comes next, a successful turn that left commits on a branch of its own starts pushing that branch
 * at once (not awaited here): `createPR` finds it pushed, or pushes what it reads when that differs. So does every
 * reading after a tool that finds new commits there, before the turn ends (a step that then fails may leave its branch
 * pushed); the pushes skip a tip already there and replace an amended one (BranchPushes).
 */
class EvidenceAfterTurn {
  private events = 0;
  private toolEvents = 0;
  private read: { afterEvents: number; reading: Promise<SandboxReading | null> } | null = null;
  /** The newest reading begun after a tool's result while no tool process ran, and how many tool events had come. */
  private afterTool: { toolEvents: number; reading: Promise<SandboxReading | null> } | null = null;
  private readingAfterTool = false;
  /** What this step's early pushes need beyond the tip, read when the agent starts (again only after a failed read). */
  private pushAccess: Promise<PushAccess> | null = null;
  private toolResultWhileReading = false;
  private agent: RunningAgent | null = null;

  constructor(
    private readonly deps: ActivityDeps,
    private readonly input: RunAgentInput,
    private readonly pushes: BranchPushes,
  ) {}

  agentStarted(agent: RunningAgent): void {
    this.agent = agent;
    this.afterTool = null;
    // Read while the model answers: the push a commit starts then goes out 4-12 ms sooner.
    const target = this.input.pushForPullRequest;
    if (target && !this.pushAccess) {
      const access = this.readPushAccess(target);
      this.pushAccess = access;
      // A read that failed is not kept: the next push reads again, as each did before.
      access.catch(() => {
        if (this.pushAccess === access) this.pushAccess = null;
      });
    }
  }

  noteEvent(event: AgentEvent): void {
    this.events += 1;
    if (event.type === 'tool_used' || event.type === 'tool_result') this.toolEvents += 1;
    if (event.type === 'tool_result') this.readAfterTool();
    if (event.type !== 'result' || !this.input.observe) return;
    const current = this.afterTool?.toolEvents === this.toolEvents ? this.afterTool.reading : null;
    // The same git commands as the evidence alone: their `log` gives the pull request's commit list too.
    const reading = current ?? this.readSandbox();
    this.read = { afterEvents: this.events, reading };
    const target = this.input.pushForPullRequest;
    if (target && !event.result.isError) void reading.then((read) => this.pushIfCommitted(target, read));
  }

  private readAfterTool(): void {
    if (!this.input.observe) return;
    if (this.readingAfterTool) {
      this.toolResultWhileReading = true;
      return;
    }
    this.readingAfterTool = true;
    const toolEvents = this.toolEvents;
    const settled = this.agent?.toolsRunning() === false;
    const reading = this.readSandbox();
    this.afterTool = settled ? { toolEvents, reading } : null;
    const target = this.input.pushForPullRequest;
    // Once the result has come, its own reading pushes: this older one must not follow it with an older tip.
    if (target) void reading.then((read) => (this.read ? undefined : this.pushIfCommitted(target, read)));
    void reading.finally(() => {
      this.readingAfterTool = false;
      if (!this.toolResultWhileReading || this.read) return;
      this.toolResultWhileReading = false;
      this.readAfterTool();
    });
  }

  private readSandbox(): Promise<SandboxReading | null> {
    return readGitEvidenceAndCommits(this.input.sandboxPath, this.input.observe!.baseRef, this.deps.sandboxes.agentGit).catch(() => null);
  }

  private pushIfCommitted(target: PushForPullRequest, read: SandboxReading | null): void {
    if (!read) return;
    const { evidence } = read;
    if (evidence.headSha && evidence.commitCount > 0 && evidence.branchName && evidence.branchName !== target.baseBranch) {
      this.pushEarly(target, evidence.branchName, evidence.headSha, read.baseCommits);
    }
  }

  private pushEarly(target: PushForPullRequest, branchName: string, tip: string, remoteHas: readonly string[]): void {
    const { deps, input } = this;
    pushWorkOrderBranch(deps, this.pushes, {
      agentWorkOrderId: input.agentWorkOrderId,
      sandboxPath: input.sandboxPath,
      branchName,
      tip,
      remoteHas,
      access: () => this.pushAccess ?? this.readPushAccess(target),
    }).catch((error: unknown) => {
      // Not the step's failure: createPR pushes again and fails with its own error if that push fails too.
      deps.logger.warn({ event: 'github_branch_push_failed', agent_work_order_id: input.agentWorkOrderId, branch: branchName, error: String(error) }, 'github_branch_push_failed');
    });
  }

  private async readPushAccess(target: PushForPullRequest): Promise<PushAccess> {
    const { deps, input } = this;
    const [token, objectStore] = await Promise.all([deps.githubToken(), deps.sandboxes.objectStoreOf(input.sandboxPath)]);
    if (!token) throw new Error('GITHUB_TOKEN is not set');
    return { cloneUrl: parseRepositoryUrl(target.repositoryUrl, deps.githubServerUrl).cloneUrl, token, objectStore };
  }

  async readingFor(outcome: AgentRunOutcome): Promise<SandboxReading | null> {
    const read = this.read;
    if (!read || read.afterEvents !== this.events) return null;
    if (outcome.leftProcesses !== false || outcome.timedOut || outcome.idle || outcome.aborted) return null;
    return read.reading;
  }
}

/**
 * The pull request opened by the step right before `create-pr`, with the same code and input `createPR` would run (its
 * push is usually the early one, already done). Saves the workflow a task and an activity after the last agent. Any
 * failure is left to `createPR`, which the workflow then runs as before and which reports it as its own.
 */
async function openEarly(
  deps: ActivityDeps,
  createPR: (input: CreatePullRequestInput) => Promise<CreatePullRequestResult>,
  input: CreatePullRequestInput,
): Promise<EarlyPullRequest | null> {
  const startedAt = Date.now();
  try {
    return { ...(await createPR(input)), durationSeconds: (Date.now() - startedAt) / 1000 };
  } catch (error) {
    deps.logger.warn({ event: 'github_early_pull_request_failed', agent_work_order_id: input.agentWorkOrderId, error: String(error) }, 'github_early_pull_request_failed');
    return null;
  }
}

function removePidFile(deps: ActivityDeps, pidFile: string): void {
  try {
    rmSync(pidFile, { force: true });
  } catch (error) {
    deps.logger.warn({ error: String(error) }, 'agent_artifact_write_failed');
  }
}

/** Once an agent that returned at its turn's end is gone: its pid file goes, and an unclean exit is told in the log. */
async function afterExit(deps: ActivityDeps, input: RunAgentInput, pidFile: string, exiting: Promise<AgentExit>): Promise<void> {
  const exit = await exiting;
  removePidFile(deps, pidFile);
  if (exit.exitCode !== 0 || exit.leftProcesses) {
    workOrderEvent(deps, input.agentWorkOrderId, input.step, 'warn', 'agent_exited_uncleanly_after_turn', {
      exit_code: exit.exitCode,
      left_processes: exit.leftProcesses,
      stderr_tail: lastLines(exit.stderrTail),
    });
  }
}

async function buildPrompt(deps: ActivityDeps, input: RunAgentInput): Promise<string> {
  if (input.step === 'user-prompt') return input.promptText ?? '';
  try {
    const template = await loadCommand(deps.commandsDir, input.step);
    return renderCommand(
      template,
      buildStepArguments(input.step, {
        agentWorkOrderId: input.agentWorkOrderId,
        userRequest: input.userRequest,
        issueText: input.issueText,
        branchName: input.branchName,
        planOutput: input.planOutput,
      }),
    );
  } catch (error) {
    if (error instanceof CommandNotFoundError) throw ApplicationFailure.nonRetryable(error.message, 'CommandNotFoundError');
    throw error;
  }
}

function toStepResult(
  outcome: AgentRunOutcome,
  sessionId: string | null,
  durationSeconds: number,
  timeoutSeconds: number,
  idleTimeoutSeconds: number,
  resumedAfterCrash: boolean,
): Omit<RunAgentResult, 'deliveredPromptIds' | 'costUsd'> {
  const base = { sessionId: outcome.result?.sessionId ?? sessionId, durationSeconds, resumedAfterCrash };
  if (outcome.timedOut) {
    return { ...base, success: false, output: outcome.result?.resultText ?? null, errorMessage: `the agent did not finish within ${timeoutSeconds} s` };
  }
  if (outcome.idle) {
    return { ...base, success: false, output: outcome.result?.resultText ?? null, errorMessage: `the agent made no progress for ${idleTimeoutSeconds} s` };
  }
  // A run that settled at its turn's end has no exit code yet: its successful result is the step's.
  if (outcome.result && !outcome.result.isError && (outcome.exitCode === 0 || outcome.exit)) {
    return { ...base, success: true, output: outcome.result.resultText, errorMessage: null };
  }
  const reason =
    (outcome.result?.isError ? outcome.result.resultText : null) ||
    lastLines(outcome.stderrTail) ||
    `the agent CLI exited with code ${outcome.exitCode ?? 'none'} without a result`;
  return { ...base, success: false, output: outcome.result?.resultText ?? null, errorMessage: reason };
}

function agentLogEntry(event: AgentEvent): { level: 'debug' | 'info' | 'warn'; event: string; fields: Record<string, unknown> } | null {
  switch (event.type) {
    case 'session_started':
      return { level: 'info', event: 'agent_session_started', fields: { session_id: event.sessionId, model: event.model } };
    case 'assistant_text':
      return { level: 'info', event: 'agent_text_received', fields: { text: event.text.slice(0, 4000) } };
    case 'tool_used':
      return { level: 'info', event: 'agent_tool_used', fields: { tool_name: event.toolName, input: truncateJson(event.input) } };
    case 'tool_result':
      return { level: event.isError ? 'warn' : 'debug', event: 'agent_tool_completed', fields: { is_error: event.isError, content: event.content.slice(0, 2000) } };
    case 'result':
      return {
        level: event.result.isError ? 'warn' : 'info',
        event: 'agent_result_received',
        fields: { is_error: event.result.isError, cost_usd: event.result.costUsd, num_turns: event.result.numTurns },
      };
    case 'user_message_taken':
    case 'model_called':
      return null;
    case 'malformed_line':
      return { level: 'warn', event: 'agent_output_malformed', fields: { reason: event.reason } };
    case 'other':
      return null;
  }
}

function truncateJson(value: unknown): unknown {
  const text = JSON.stringify(value) ?? '';
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : value;
}
