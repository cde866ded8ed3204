import type { AgentUsage } from '../models/work-order-budget.js';

/** One fact read from the agent CLI's stream-json output, in the order it arrived. */
export type AgentEvent =
  | { type: 'session_started'; sessionId: string; model: string | null }
  | { type: 'assistant_text'; text: string }
  /** One model call of the agentic loop (a message may arrive as several lines; the id is the same). */
  | { type: 'model_called'; messageId: string; model: string | null; tokens: TokenCounts }
  | { type: 'tool_used'; toolName: string; toolUseId: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; isError: boolean; content: string }
  /** The CLI took a user message from stdin (the first prompt, or one written while it ran). */
  | { type: 'user_message_taken'; text: string }
  | { type: 'result'; result: AgentResult }
  | { type: 'malformed_line'; line: string; reason: string }
  | { type: 'other'; raw: Record<string, unknown> };

/** Tokens as the Messages API counts them; input includes cache reads and writes, each priced differently. */
export interface TokenCounts {
  input: number;
  cacheCreation: number;
  cacheRead: number;
  output: number;
}

export interface AgentResult {
  sessionId: string | null;
  isError: boolean;
  resultText: string;
  costUsd: number | null;
  numTurns: number | null;
  durationMs: number | null;
  usage: Record<string, unknown> | null;
  /** Summed over every model the CLI process used so far (modelUsage; cumulative, unlike `usage`, which is per turn). */
  processTokens: TokenCounts | null;
  subtype: string | null;
}

export interface AgentRunRequest {
  /** Working directory: the sandbox. */
  cwd: string;
  /** The full prompt, written to the CLI's stdin. */
  prompt: string;
  model: string;
  /** Continue this session instead of starting a new one. */
  resumeSessionId?: string;
  /** The CLI to run, when the caller has read it from the settings already; else the executor's own. */
  cliPath?: string;
  maxTurns?: number;
  skipPermissions: boolean;
  timeoutMs: number;
  /** Stop the run when the agent neither prints nor uses CPU for this long (unset: only the overall timeout). */
  idleTimeoutMs?: number;
  /** Environment for the CLI process; built by the caller from an allow-list (never the GitHub token). */
  env: Record<string, string>;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /** Called for every parsed output line, as it arrives (heartbeats, logs, artifacts hang off this). */
  onEvent?: (event: AgentEvent, rawLine: string) => void;
  /** What the run has used so far, after each model call and result (a budget is checked here; abort `signal` to stop). */
  onUsage?: (usage: AgentUsage) => void;
  /** The agent's processes used CPU without printing: it is working, not hung. */
  onProgress?: () => void;
  /** Called once the process has started, with its pid (the pid is also the process group id). */
  onSpawn?: (pid: number, agent: RunningAgent) => void;
  /** A prompt written into the run was taken by the agent: it reaches the model before the run ends. */
  onPromptDelivered?: (promptId: string) => void;
  /**
   * Resolve at the turn's result instead of at the CLI's exit, when the turn succeeded, no prompt is waiting and no
   * process the agent started still runs: the outcome then has `exitCode` null and `exit`, which says how the CLI ended.
   */
  settleAtTurnEnd?: boolean;
}

/** How a CLI whose run settled at its turn's end exited afterwards. */
export interface AgentExit {
  exitCode: number | null;
  /** Processes the agent started appeared after the turn's end and outlived the CLI (they were stopped). */
  leftProcesses: boolean;
  stderrTail: string;
}

/** The run while it lasts: more prompts can be written into it until its last turn has ended. */
export interface RunningAgent {
  /** false when the run no longer takes prompts (its last turn ended); the caller keeps the prompt for later. */
  injectPrompt(promptId: string, text: string): boolean;
  /** Whether a process the agent ran as a tool still runs; null when it cannot be told (no session yet, no /proc). */
  toolsRunning(): boolean | null;
}

export interface AgentRunOutcome {
  exitCode: number | null;
  sessionId: string | null;
  result: AgentResult | null;
  /** Last lines of stderr, for error messages (never the whole stream). */
  stderrTail: string;
  timedOut: boolean;
  /** Stopped by the idle timeout: no output and no CPU time for idleTimeoutMs. */
  idle: boolean;
  aborted: boolean;
  /** Prompts written into the run that the agent took (their answers are part of this run's result). */
  deliveredPromptIds: string[];
  /** What the run used: the CLI's own figures where it reported them, else estimated from its model calls. */
  usage: AgentUsage;
  /** Processes the agent started outlived the CLI (and were stopped then); undefined when not known. */
  leftProcesses?: boolean;
  /** Set when the run settled at its turn's end (settleAtTurnEnd): resolves once the CLI has exited; never rejects. */
  exit?: Promise<AgentExit>;
}

/** Any agent CLI: Claude Code first, others later behind the same contract. */
export interface AgentExecutor {
  run(request: AgentRunRequest): Promise<AgentRunOutcome>;
  version(): Promise<string>;
}
