import type { configSchema } from './config.js';

export type ConfigVariable = keyof (typeof configSchema)['shape'];

const namePattern = 'letters, digits, dot, dash or underscore';
const tcpPort = 'a TCP port, a whole number from 1 to 65535';
const dataFolder = (seed: string) =>
  `a folder path, absolute or relative to AWO_HOME (default AWO_HOME/${seed}), not inside, around or equal to another data folder`;
const executable = (name: string) => `a command name on PATH (no spaces, no arguments) or a path to the ${name} executable`;

/**
 * The rule each variable's value must follow, as its error line states it after the problem found. A Record over
 * the schema's keys so that adding a variable without saying what it accepts does not compile.
 */
export const configRules: Record<ConfigVariable, string> = {
  AWO_HOME: 'an absolute folder path (~/ allowed), the root of repositories/, work-orders/, config/ and temporal/',
  AWO_REPOSITORY_DIR: dataFolder('repositories'),
  AWO_WORK_ORDER_DIR: dataFolder('work-orders'),
  AWO_CONFIG_DIR: dataFolder('config'),
  AWO_TEMPORAL_DIR: dataFolder('temporal'),
  AWO_HOST: 'a host name or IP address for the API to bind to, without scheme or port (e.g. 127.0.0.1, 0.0.0.0)',
  AWO_PORT: tcpPort,
  TEMPORAL_ADDRESS: 'host:port of a Temporal frontend, e.g. temporal:7233 (unset: start the embedded dev server)',
  TEMPORAL_NAMESPACE: `a Temporal namespace name: ${namePattern}`,
  AWO_TASK_QUEUE: `a task queue name: ${namePattern}`,
  AWO_WORKER_HOST_ID: `${namePattern}, unique per worker host`,
  AWO_TEMPORAL_PORT: tcpPort,
  AWO_TEMPORAL_UI_PORT: tcpPort,
  AWO_TEMPORAL_RESTART_DELAY_MS: 'the milliseconds to wait before restarting the embedded dev server after it died, a whole number of at least 1',
  AWO_TEMPORAL_UI_URL: 'the http(s) URL a browser opens the Temporal Web UI at, e.g. http://127.0.0.1:8080',
  TEMPORAL_CLI_PATH: executable('temporal'),
  CLAUDE_CLI_PATH: executable('claude'),
  CLAUDE_CLI_MODEL: 'a model alias or id without spaces, e.g. sonnet, opus, claude-sonnet-4-5',
  CLAUDE_CLI_MAX_TURNS: 'a whole number of at least 1 (unset: no limit)',
  CLAUDE_CLI_SKIP_PERMISSIONS: 'true or false (or 1/0, yes/no)',
  AGENT_WORK_ORDER_TIMEOUT: 'the seconds an agent step may run, a whole number of at least 1',
  AGENT_IDLE_TIMEOUT: 'the seconds an agent may go without output and without CPU use before it is stopped as hung, a whole number of at least 1',
  AWO_MAX_COST_USD: 'the default US dollars the agents of one work order may spend, a number more than 0 and at most 10000 (unset: no limit)',
  AWO_MAX_TURNS: 'the default model calls the agents of one work order may make, a whole number from 1 to 100000 (unset: no limit)',
  AWO_MAX_DURATION_SECONDS: 'the default seconds the agents of one work order may run in total, a whole number from 1 to 2592000 (unset: no limit)',
  AGENT_WORK_ORDER_COMMANDS_DIR: "an existing folder of command files, absolute or relative to the service's root",
  GITHUB_TOKEN: 'a GitHub token, without spaces or line breaks',
  GITHUB_TOKEN_FILE: 'an absolute path to a file holding the GitHub token (used when GITHUB_TOKEN and GH_TOKEN are unset), e.g. /run/secrets/github_token',
  GH_TOKEN: 'a GitHub token, without spaces or line breaks (used when GITHUB_TOKEN is unset)',
  GITHUB_API_URL: 'the http(s) URL of the GitHub REST API, e.g. https://api.github.com or https://ghes.example.com/api/v3',
  GITHUB_SERVER_URL: 'the http(s) URL of the GitHub web host that repository URLs must be on, e.g. https://github.com',
  AWO_MAX_CONCURRENT: 'how many work orders may run agents at once across all workers, a whole number of at least 1',
  AWO_RETENTION_DAYS: "the days a finished work order's files are kept, a whole number of at least 1",
  AWO_SPARE_SANDBOXES: 'how many sandboxes each mirror keeps made ahead per sandbox type in use, a whole number from 0 (none) to 16',
  AWO_PUSH_RETRY_SECONDS: 'the seconds a refused push or pull request is retried with backoff, a whole number of at least 1',
  AWO_APPROVAL_TIMEOUT: 'the seconds a plan waits for approval before the work order fails (or approves, with on_timeout: approve), a whole number of at least 1',
  AWO_DATABASE_URL: 'a postgres:// or postgresql:// URL with a host (unset: SQLite under the config folder)',
  AWO_SECRET_KEY: '32 bytes as 64 hex characters or base64, e.g. from `openssl rand -hex 32` (unset: a generated key file)',
  AWO_AGENT_USER: 'the unprivileged user a root worker runs the agent as, created if missing (default awo-agent); root turns the separation off',
  AWO_API_TOKEN: '16-512 printable characters without spaces, e.g. from `openssl rand -hex 32`; required when AWO_HOST is not a loopback address',
  AWO_ALLOWED_HOSTS: 'comma-separated host names the API answers to besides loopback names and its bound address (e.g. awo.example.com), or * for any',
  AWO_CORS_ORIGINS: 'comma-separated browser origins allowed to call the API, e.g. https://archon.example.com,http://localhost:3737 (unset: none)',
  LOG_LEVEL: 'one of trace, debug, info, warn, error, fatal, silent',
  LOG_FORMAT: 'json or pretty (unset: pretty on a terminal, json otherwise)',
};
