import type { ActivityDeps } from '../activities/activity-deps.js';
import { buildAgentEnv } from '../src/agent/agent-env.js';
import { ClaudeCodeExecutor } from '../src/agent/claude-executor.js';
import { WorkOrderArtifacts } from '../src/artifacts/work-order-artifacts.js';
import type { AppConfig } from '../src/config.js';
import { GitHubClient } from '../src/github/github-client.js';
import type { Logger } from '../src/logger.js';
import { SandboxManager } from '../src/sandbox/sandbox-manager.js';

/** The real services behind the activities of one worker host. */
/** `env` is what the agent's allow-listed environment is taken from (the process's own unless a test says otherwise). */
export function createActivityDeps(config: AppConfig, logger: Logger, hostTaskQueue: string, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  return {
    logger,
    hostTaskQueue,
    sandboxes: new SandboxManager({ repositoryDir: config.repositoryDir, workOrderDir: config.workOrderDir, logger }),
    artifacts: new WorkOrderArtifacts(config.workOrderDir),
    agent: new ClaudeCodeExecutor(config.CLAUDE_CLI_PATH),
    githubServerUrl: config.GITHUB_SERVER_URL,
    githubToken: () => config.GITHUB_TOKEN,
    github: (token) => new GitHubClient({ apiUrl: config.GITHUB_API_URL, token }),
    agentSettings: () => ({ model: config.CLAUDE_CLI_MODEL, maxTurns: config.CLAUDE_CLI_MAX_TURNS, skipPermissions: config.CLAUDE_CLI_SKIP_PERMISSIONS }),
    agentEnv: () => buildAgentEnv(env),
    commandsDir: config.commandsDir,
  };
}
