import type { AgentExecutor } from '../src/agent/agent-types.js';
import type { WorkOrderArtifacts } from '../src/artifacts/work-order-artifacts.js';
import type { GitHubClient } from '../src/github/github-client.js';
import type { Logger } from '../src/logger.js';
import type { SandboxManager } from '../src/sandbox/sandbox-manager.js';

/** What the activities need from the world; the worker wires real services, tests may wire others. */
export interface ActivityDeps {
  logger: Logger;
  sandboxes: SandboxManager;
  artifacts: WorkOrderArtifacts;
  agent: AgentExecutor;
  /** The queue this worker's host polls for sandbox work. */
  hostTaskQueue: string;
  githubServerUrl: string;
  /** Read per call, so a token changed in settings applies to the next work order without a restart. */
  githubToken: () => string | undefined;
  github: (token: string | undefined) => GitHubClient;
  agentSettings: () => { model: string; maxTurns?: number; skipPermissions: boolean };
  /** Environment handed to the agent CLI: an allow-list, never the GitHub token. */
  agentEnv: () => Record<string, string>;
  commandsDir: string;
}
