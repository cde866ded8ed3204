import type { GitEvidence } from '../src/git/git-evidence.js';
import type { RepositoryRef } from '../src/github/github-types.js';
import type { AgentStep, SandboxType, StepName, WorkOrderPhase, WorkOrderStatus } from '../src/models/work-order.js';
import type { AgentUsage, BudgetLimits, BudgetSpent } from '../src/models/work-order-budget.js';

export interface SetupSandboxInput {
  agentWorkOrderId: string;
  repositoryUrl: string;
  sandboxType: SandboxType;
}

export interface SetupSandboxResult {
  repository: RepositoryRef;
  sandboxPath: string;
  baseBranch: string;
  baseRef: string;
  mirrorPath: string | null;
  /** Task queue of the worker host that holds the sandbox: every later sandbox activity runs there. */
  hostTaskQueue: string;
  reused: boolean;
}

export interface LoadIssueInput {
  agentWorkOrderId: string;
  repositoryUrl: string;
  issueNumber: number;
}

export interface PrepareWorkOrderInput extends SetupSandboxInput {
  /** When the work order was submitted: its place in the admission line. */
  submittedAt: string;
  issueNumber: number | null;
}

export interface PrepareWorkOrderResult {
  sandbox: SetupSandboxResult;
  /** The controller's answer: granted at once when a slot was free, else the grant comes as a signal. */
  admission: { controllerId: string; granted: boolean };
  issueText: string | null;
}

export interface RunAgentInput {
  agentWorkOrderId: string;
  step: AgentStep | 'user-prompt';
  /** Position in the step history, used to name the prompt and output artifacts. */
  stepIndex: number;
  sandboxPath: string;
  userRequest: string;
  issueText: string | null;
  branchName: string | null;
  planOutput: string | null;
  /** For `user-prompt`: the text to deliver. */
  promptText?: string;
  /** Continue this agent session (a user prompt, or a step after earlier ones). */
  resumeSessionId: string | null;
  timeoutSeconds: number;
  /** The work order's limits and what its earlier steps used: this step may use what is left. */
  budget?: { limits: BudgetLimits; spent: BudgetSpent };
  /** Set: the activity reads the git evidence once the agent has exited and returns it as `observation`. */
  observe?: GitObservationRequest;
  /**
   * Set when `createPR` comes next (the step before `create-pr` in the selected commands): as soon as the agent's turn
   * ends with commits on a branch of its own, the activity starts pushing that branch while the CLI shuts down, so
   * `createPR` finds it pushed (it still pushes itself when the pushed tip is not the one it reads, or the push failed).
   */
  pushForPullRequest?: PushForPullRequest;
}

/** What the early push needs: the same values `createPR` is given. */
export interface PushForPullRequest {
  repositoryUrl: string;
  baseBranch: string;
  /**
   * Set when the pull request itself may open with the step: a step that succeeds then runs `createPR` with this input
   * as soon as its push is done, and returns what it opened as `pullRequest` (work orders started before that send none).
   */
  pullRequest?: CreatePullRequestInput;
}

/** The pull request a step opened itself (see PushForPullRequest.pullRequest), and how long that took. */
export interface EarlyPullRequest extends CreatePullRequestResult {
  durationSeconds: number;
}

/** What a step's activity needs to observe git for the workflow (work orders started before this send none). */
export interface GitObservationRequest {
  baseRef: string;
  pullRequestUrl: string | null;
}

export interface RunAgentResult {
  success: boolean;
  sessionId: string | null;
  output: string | null;
  errorMessage: string | null;
  durationSeconds: number;
  costUsd: number | null;
  /** True when this attempt continued the session of an attempt that died with its worker. */
  resumedAfterCrash: boolean;
  /** Prompts written into this running step that the agent took. */
  deliveredPromptIds: string[];
  /** What the step's agent used (absent from activities recorded before usage was kept). */
  usage?: AgentUsage;
  /** Set when the step was stopped for passing a limit: the work order fails with this message. */
  budgetExceeded?: string | null;
  /** The pull request the step opened when asked to (PushForPullRequest.pullRequest); absent when it did not. */
  pullRequest?: EarlyPullRequest;
  /** Phase and git evidence after the step, when asked for and readable; otherwise the workflow observes separately. */
  observation?: TrackPhaseResult | null;
}

export interface DeliverPromptInput {
  agentWorkOrderId: string;
  /** The running step the prompt is meant for. */
  stepIndex: number;
  promptId: string;
  promptText: string;
}

export interface ReadPlanInput {
  agentWorkOrderId: string;
  sandboxPath: string;
  /** The planning step's answer: names the plan file, and is the plan when there is no file. */
  planOutput: string | null;
}

export interface ReadPlanResult {
  planText: string;
  /** The plan file relative to the sandbox; null when the plan is the planning step's answer. */
  planPath: string | null;
}

export interface WritePlanInput {
  agentWorkOrderId: string;
  sandboxPath: string;
  planPath: string;
  planText: string;
}

export interface TrackPhaseInput {
  agentWorkOrderId: string;
  sandboxPath: string;
  baseRef: string;
  step: StepName | null;
  pullRequestUrl: string | null;
}

export interface TrackPhaseResult {
  phase: WorkOrderPhase;
  evidence: GitEvidence;
}

export interface CreatePullRequestInput {
  agentWorkOrderId: string;
  repositoryUrl: string;
  sandboxPath: string;
  baseBranch: string;
  baseRef: string;
  branchName: string | null;
  userRequest: string;
  githubIssueNumber: number | null;
  planOutput: string | null;
  /** True: return the phase and git evidence after the push as `observation`. */
  observe?: boolean;
}

export interface CreatePullRequestResult {
  pullRequestUrl: string;
  pullRequestNumber: number;
  branchName: string;
  created: boolean;
  observation?: TrackPhaseResult | null;
}

export interface CleanupInput {
  agentWorkOrderId: string;
  mirrorPath: string | null;
  status: WorkOrderStatus;
  errorMessage: string | null;
  /** The final state, saved as metadata.json beside the artifacts. */
  finalState: Record<string, unknown>;
  /** Leave the sandbox for people to inspect (retention removes it later). */
  keepSandbox?: boolean;
}
