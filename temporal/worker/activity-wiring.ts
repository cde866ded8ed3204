import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../activities/activity-deps.js';
import { buildAgentEnv } from '../../src/agent/agent-env.js';
import { type AgentIdentity, environmentFor } from '../../src/agent/agent-identity.js';
import type { AgentExecutor } from '../../src/agent/agent-types.js';
import { ClaudeCodeExecutor } from '../../src/agent/claude-executor.js';
import { PromptInbox } from '../../src/artifacts/prompt-inbox.js';
import { WorkOrderArtifacts } from '../../src/artifacts/work-order-artifacts.js';
import type { AppConfig } from '../../src/config.js';
import { GitHubClient } from '../../src/github/github-client.js';
import type { WorkOrderLogWriter } from '../../src/logs/batched-log-writer.js';
import { openWorkerLogStore } from '../../src/logs/open-log-store.js';
import type { Logger } from '../../src/logger.js';
import { SandboxManager } from '../../src/sandbox/sandbox-manager.js';
import { openConfigurationServices } from '../../src/settings/configuration-services.js';
import { SecretDecryptionError } from '../../src/settings/secret-box.js';
import { type SettingsReader, StoredValueInvalidError } from '../../src/settings/settings-service.js';

/**
 * The real services behind the activities of one worker host. `env` is what the agent's allow-listed environment is
 * taken from and what tells an environment variable from a stored setting (the process's own unless a test says
 * otherwise). `settings` defaults to the configuration store of `config`, opened on first use; `logs` to the log store
 * of `config`, opened at the first batch.
 */
export function createActivityDeps(
  config: AppConfig,
  logger: Logger,
  hostTaskQueue: string,
  env: NodeJS.ProcessEnv = process.env,
  settings: SettingsReader = lazySettingsReader(config, env, logger),
  agentIdentity: AgentIdentity = { isolated: false, reason: 'the agent identity was not prepared' },
  logs: WorkOrderLogWriter = openWorkerLogStore(config, logger).writer,
): ActivityDeps {
  const agentSettings = () => readSetting(() => settings.agentSettings());
  return {
    logger,
    hostTaskQueue,
    sandboxes: new SandboxManager({
      repositoryDir: config.repositoryDir,
      workOrderDir: config.workOrderDir,
      logger,
      agentOwner: agentIdentity.isolated ? { uid: agentIdentity.uid, gid: agentIdentity.gid, home: agentIdentity.home } : undefined,
      spareSandboxes: config.AWO_SPARE_SANDBOXES,
    }),
    artifacts: new WorkOrderArtifacts(config.workOrderDir),
    logs,
    promptInbox: new PromptInbox(config.workOrderDir),
    agent: settingsAwareExecutor(async () => (await agentSettings()).cliPath, agentIdentity),
    githubServerUrl: config.GITHUB_SERVER_URL,
    // Per call, from the effective settings: a token or model saved through the API applies to the next activity.
    githubToken: () => readSetting(() => settings.githubToken()),
    github: (token) => new GitHubClient({ apiUrl: config.GITHUB_API_URL, token }),
    agentSettings: async () => {
      // The CLI path goes with the model, so the run need not read the settings a second time.
      const { model, cliPath } = await agentSettings();
      return { model, cliPath, maxTurns: config.CLAUDE_CLI_MAX_TURNS, skipPermissions: config.CLAUDE_CLI_SKIP_PERMISSIONS, idleTimeoutSeconds: config.AGENT_IDLE_TIMEOUT };
    },
    agentEnv: () => environmentFor(agentIdentity, buildAgentEnv(env)),
    commandsDir: config.commandsDir,
  };
}

/** The store is opened once per worker process, when an activity first needs a setting, and kept open. */
export function lazySettingsReader(config: AppConfig, env: NodeJS.ProcessEnv, logger: Logger): SettingsReader {
  let opened: Promise<SettingsReader> | undefined;
  const open = () => {
    opened ??= openConfigurationServices(config, env, logger).then(
      (services) => services.settings,
      (error: unknown) => {
        // Not cached: a database that was down at the first call may be up at the next.
        opened = undefined;
        throw error;
      },
    );
    return opened;
  };
  return {
    githubToken: async () => (await open()).githubToken(),
    agentSettings: async () => (await open()).agentSettings(),
    maxConcurrent: async () => (await open()).maxConcurrent(),
    retentionDays: async () => (await open()).retentionDays(),
  };
}

/**
 * A credential the current key cannot open, or a stored value that is no longer valid, will not fix itself on retry:
 * the work order fails at once with the message that says what to do. A store that is unreachable is retried.
 */
async function readSetting<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof SecretDecryptionError || error instanceof StoredValueInvalidError) {
      throw ApplicationFailure.nonRetryable(error.message, error.name);
    }
    throw error;
  }
}

/** The CLI path is a setting too, so each run uses the path in effect when it starts. */
function settingsAwareExecutor(cliPath: () => Promise<string>, identity: AgentIdentity): AgentExecutor {
  return {
    run: async (request) => new ClaudeCodeExecutor(request.cliPath ?? (await cliPath()), identity).run(request),
    version: async () => new ClaudeCodeExecutor(await cliPath(), identity).version(),
  };
}

