import type { AgentExecutor } from '../src/agent/agent-types.js';
import type { PromptInbox } from '../src/artifacts/prompt-inbox.js';
import type { WorkOrderArtifacts } from '../src/artifacts/work-order-artifacts.js';
import type { GitHubClient } from '../src/github/github-client.js';
import type { WorkOrderLogWriter } from '../src/logs/batched-log-writer.js';
import type { Logger } from '../src/logger.js';
import type { SandboxManager } from '../src/sandbox/sandbox-manager.js';

export interface AgentSettings {
  model: string;
  /** The agent CLI in effect (stored settings may change it); the executor's own when absent. */
  cliPath?: string;
  maxTurns?: number;
  skipPermissions: boolean;
  /** Seconds without output or CPU use after which the agent counts as hung (AGENT_IDLE_TIMEOUT). */
  idleTimeoutSeconds: number;
}

/** What the activities need from the world; the worker wires real services, tests may wire others. */
export interface ActivityDeps {
  logger: Logger;
  sandboxes: SandboxManager;
  artifacts: WorkOrderArtifacts;
  /** The work orders' logs, as the API serves them: files on this host or PostgreSQL. */
  logs: WorkOrderLogWriter;
  promptInbox: PromptInbox;
  agent: AgentExecutor;
  /** The queue this worker's host polls for sandbox work. */
  hostTaskQueue: string;
  githubServerUrl: string;
  /** Read per call, so a token changed in settings applies to the next work order without a restart. */
  githubToken: () => string | undefined | Promise<string | undefined>;
  github: (token: string | undefined) => GitHubClient;
  /** Read per call too (stored settings may change the model); a plain object is fine for tests. */
  agentSettings: () => AgentSettings | Promise<AgentSettings>;
  /** Environment handed to the agent CLI: an allow-list, never the GitHub token. */
  agentEnv: () => Record<string, string>;
  commandsDir: string;
}
