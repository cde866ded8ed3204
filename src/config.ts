import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');
const positiveInt = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').positive('must be positive');
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** Every environment variable the service reads; defaults are the embedded, single-machine setup. */
export const configSchema = z.object({
  AWO_HOME: z.string().min(1).default(path.join(os.homedir(), '.awo')),
  AWO_REPOSITORY_DIR: z.string().min(1).optional(),
  AWO_WORK_ORDER_DIR: z.string().min(1).optional(),
  AWO_CONFIG_DIR: z.string().min(1).optional(),
  AWO_HOST: z.string().min(1).default('127.0.0.1'),
  AWO_PORT: port.default(8888),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  AWO_TASK_QUEUE: z
    .string()
    .regex(/^[\w.-]+$/, 'must be letters, digits, dot, dash or underscore')
    .default('agent-work-orders'),
  AWO_WORKER_HOST_ID: z
    .string()
    .regex(/^[\w.-]+$/, 'must be letters, digits, dot, dash or underscore')
    .default(os.hostname().replace(/[^\w.-]/g, '-')),
  AWO_TEMPORAL_PORT: port.default(7233),
  AWO_TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  CLAUDE_CLI_PATH: z.string().min(1).default('claude'),
  CLAUDE_CLI_MODEL: z.string().min(1).default('sonnet'),
  CLAUDE_CLI_MAX_TURNS: positiveInt.optional(),
  CLAUDE_CLI_SKIP_PERMISSIONS: booleanFromString.default(true),
  AGENT_WORK_ORDER_TIMEOUT: positiveInt.default(3600),
  AGENT_WORK_ORDER_COMMANDS_DIR: z.string().min(1).default('.claude/commands/agent-work-orders'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GH_TOKEN: z.string().min(1).optional(),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  GITHUB_SERVER_URL: httpUrl.default('https://github.com'),
  AWO_MAX_CONCURRENT: positiveInt.default(5),
  AWO_RETENTION_DAYS: positiveInt.default(7),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends Omit<RawConfig, 'GH_TOKEN'> {
  repositoryDir: string;
  workOrderDir: string;
  configDir: string;
  temporalDir: string;
  /** Absolute folder of the command files the agent steps load. */
  commandsDir: string;
}

export class ConfigError extends Error {}

/** The service's own root: commands and tools are found relative to it, not to the caller's cwd. */
export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = defined[variable];
    const shown = value === undefined ? 'missing' : `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
    throw new ConfigError(`${variable}=${/TOKEN|KEY|SECRET/.test(variable) ? '(hidden)' : shown} is invalid: ${issue.message}`);
  }
  const { GH_TOKEN, ...raw } = parsed.data;
  const home = path.resolve(raw.AWO_HOME);
  const underHome = (override: string | undefined, seed: string) => path.resolve(home, override ?? seed);
  return {
    ...raw,
    GITHUB_TOKEN: raw.GITHUB_TOKEN ?? GH_TOKEN,
    AWO_HOME: home,
    repositoryDir: underHome(raw.AWO_REPOSITORY_DIR, 'repositories'),
    workOrderDir: underHome(raw.AWO_WORK_ORDER_DIR, 'work-orders'),
    configDir: underHome(raw.AWO_CONFIG_DIR, 'config'),
    temporalDir: path.join(home, 'temporal'),
    commandsDir: path.resolve(projectRoot, raw.AGENT_WORK_ORDER_COMMANDS_DIR),
  };
}
