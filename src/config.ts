import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, invalidVariable } from './config-errors.js';
import { expandHome, resolveHomeLayout } from './home-layout.js';
import { logFormats } from './log-format.js';

export { ConfigError } from './config-errors.js';

// Issue messages name the value's problem; the rule it must follow comes from config-rules.ts, so each error line
// says both without repeating the rule in every check.
const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'not a boolean' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number({ message: 'not a number' }).int('not a whole number').min(1, 'out of range').max(65535, 'out of range');
const positiveInt = z.coerce.number({ message: 'not a number' }).int('not a whole number').positive('less than 1');
const httpUrl = z.url({ protocol: /^https?$/, message: 'not an http(s) URL' });
const identifier = z.string().regex(/^[\w.-]+$/, 'has characters other than letters, digits, dot, dash or underscore');
const noWhitespace = z.string().regex(/^\S+$/, 'contains whitespace');
/** A bare name is looked up on PATH, so spaces there mean arguments were packed into it; a path may hold spaces. */
const executable = z.string().refine((value) => value.includes('/') || /^\S+$/.test(value), 'contains spaces, as if it held arguments');
const hostName = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const absoluteFolder = z.string().refine((value) => path.isAbsolute(expandHome(value)), 'not an absolute path');
/** A relative override is a seed name under AWO_HOME; one climbing out of it should say so with an absolute path. */
const homePart = z.string().refine((value) => path.isAbsolute(expandHome(value)) || !path.normalize(value).startsWith('..'), 'leaves AWO_HOME');

/** `a, b,c` as a list; empty items are dropped. */
function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(item));
}

/** Every environment variable the service reads; defaults are the embedded, single-machine setup. */
export const configSchema = z.object({
  AWO_HOME: absoluteFolder.default(path.join(os.homedir(), '.awo')),
  AWO_REPOSITORY_DIR: homePart.optional(),
  AWO_WORK_ORDER_DIR: homePart.optional(),
  AWO_CONFIG_DIR: homePart.optional(),
  AWO_TEMPORAL_DIR: homePart.optional(),
  AWO_HOST: z
    .string()
    .refine((value) => net.isIP(value) !== 0 || hostName.test(value), 'not a host name or IP address')
    .default('127.0.0.1'),
  AWO_PORT: port.default(8888),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[\w.-]+):\d{1,5}$/, 'not host:port')
    .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535 && !value.endsWith(':0'), 'port out of range')
    .optional(),
  TEMPORAL_NAMESPACE: identifier.default('default'),
  AWO_TASK_QUEUE: identifier.default('agent-work-orders'),
  AWO_WORKER_HOST_ID: identifier.default(os.hostname().replace(/[^\w.-]/g, '-')),
  AWO_TEMPORAL_PORT: port.default(7233),
  AWO_TEMPORAL_UI_PORT: port.default(8233),
  /** First wait before the embedded dev server is restarted after it died (doubled while restarts keep failing). */
  AWO_TEMPORAL_RESTART_DELAY_MS: positiveInt.default(1000),
  /** The Temporal Web UI the browser UI links to; unset: the embedded dev server's UI, or none with TEMPORAL_ADDRESS. */
  AWO_TEMPORAL_UI_URL: httpUrl.optional(),
  TEMPORAL_CLI_PATH: executable.optional(),
  CLAUDE_CLI_PATH: executable.default('claude'),
  CLAUDE_CLI_MODEL: noWhitespace.default('sonnet'),
  CLAUDE_CLI_MAX_TURNS: positiveInt.optional(),
  CLAUDE_CLI_SKIP_PERMISSIONS: booleanFromString.default(true),
  AGENT_WORK_ORDER_TIMEOUT: positiveInt.default(3600),
  /** An agent step with no output and no CPU use for this long is stopped as hung (and resumed once). */
  AGENT_IDLE_TIMEOUT: positiveInt.default(600),
  /** Budget defaults for work orders that set none (settings can also set them; unset: no limit). */
  AWO_MAX_COST_USD: z.coerce.number({ message: 'not a number' }).positive('not more than 0').max(10_000, 'more than 10000').optional(),
  AWO_MAX_TURNS: positiveInt.max(100_000, 'more than 100000').optional(),
  AWO_MAX_DURATION_SECONDS: positiveInt.max(30 * 24 * 3600, 'more than 2592000').optional(),
  AGENT_WORK_ORDER_COMMANDS_DIR: z.string().default('.claude/commands/agent-work-orders'),
  // A token pasted from a file often carries its line break, which would fail every GitHub call far from here.
  GITHUB_TOKEN: noWhitespace.optional(),
  /** Docker-secrets style: the worker then holds the token in memory only, never in its environment. */
  GITHUB_TOKEN_FILE: absoluteFolder.optional(),
  GH_TOKEN: noWhitespace.optional(),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  GITHUB_SERVER_URL: httpUrl.default('https://github.com'),
  AWO_MAX_CONCURRENT: positiveInt.default(5),
  AWO_RETENTION_DAYS: positiveInt.default(7),
  /** Sandboxes each mirror keeps made ahead per sandbox type in use, so a warm sandbox is a rename, not a checkout. */
  AWO_SPARE_SANDBOXES: z.coerce.number({ message: 'not a number' }).int('not a whole number').min(0, 'less than 0').max(16, 'more than 16').default(1),
  /** Fixed into each new work order's input: how long a refused push or pull request is retried before it fails. */
  AWO_PUSH_RETRY_SECONDS: positiveInt.default(600),
  /** Fixed into each new work order that asks for plan approval: how long its plan waits for a decision (7 days). */
  AWO_APPROVAL_TIMEOUT: positiveInt.default(7 * 24 * 60 * 60),
  /** Set: settings and configured repositories live in PostgreSQL; unset: in a SQLite file under the config folder. */
  AWO_DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\/[^\s/?#]+/, 'not a postgres:// or postgresql:// URL with a host')
    .refine((value) => URL.canParse(value), 'not a postgres:// or postgresql:// URL with a host')
    .optional(),
  /** Encrypts stored credentials (AES-256-GCM); unset: a key file generated once under the config folder. */
  AWO_SECRET_KEY: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, 'not 32 bytes in hex or base64')
    .optional(),
  /** The unprivileged user a root worker runs the agent as (created if missing). */
  AWO_AGENT_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'not a user name (lower-case letters, digits, dash, underscore; at most 32)')
    .optional(),
  /** The API token clients send as `Authorization: Bearer`; unset: generated under the config folder (loopback only). */
  AWO_API_TOKEN: z.string().regex(/^[\x21-\x7e]{16,512}$/, 'not 16-512 printable characters without spaces').optional(),
  /** Host names (besides loopback names and the bound address) the API answers to; `*` turns the Host check off. */
  AWO_ALLOWED_HOSTS: commaList(z.string().refine((value) => value === '*' || net.isIP(value) !== 0 || hostName.test(value), 'not a host name').transform((value) => value.toLowerCase())).default([]),
  /** Browser origins allowed to call the API across origins (CORS); none by default. */
  AWO_CORS_ORIGINS: commaList(z.url({ protocol: /^https?$/, message: 'not an http(s) origin' }).refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'not an origin (scheme://host[:port], no path)').transform((value) => new URL(value).origin)).default([]),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { message: 'not a log level' }).default('info'),
  /** Unset: human lines when stdout is a terminal, JSON lines otherwise (the logger decides; see log-format.ts). */
  LOG_FORMAT: z.enum(logFormats, { message: 'not a log format' }).optional(),
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

/** The service's own root: commands and tools are found relative to it, not to the caller's cwd. */
export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

/** Checked here rather than at the first work order, which would fail an hour after a typo. */
function existingCommandsDir(value: string, raw: string | undefined): string {
  const dir = path.resolve(projectRoot, value);
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw invalidVariable('AGENT_WORK_ORDER_COMMANDS_DIR', raw ?? value, `no such folder (${dir})`);
  }
  if (!isDirectory) throw invalidVariable('AGENT_WORK_ORDER_COMMANDS_DIR', raw ?? value, `not a folder (${dir})`);
  return dir;
}

/** One line, the token; a trailing line break (as editors and `echo` write it) is not part of it. */
function readTokenFile(file: string): string {
  let content: string;
  try {
    content = readFileSync(expandHome(file), 'utf8');
  } catch (error) {
    throw invalidVariable('GITHUB_TOKEN_FILE', file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const token = content.replace(/\r?\n$/, '');
  if (!/^\S+$/.test(token)) throw invalidVariable('GITHUB_TOKEN_FILE', file, 'holds no token, or a token with spaces or line breaks');
  return token;
}

/** Reads and checks the configuration; a bad value throws a ConfigError whose message is one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty value is unset: `KEY=` lines in .env files and compose's `${KEY:-}` mean "use the default".
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
  const parsed = configSchema.safeParse(defined);
  if (!parsed.success) {
    const [issue, ...others] = parsed.error.issues;
    const variable = String(issue!.path[0] ?? 'environment');
    const error = invalidVariable(variable, defined[variable], issue!.message);
    const otherVariables = [...new Set(others.map((other) => String(other.path[0])).filter((name) => name !== variable))];
    if (otherVariables.length === 0) throw error;
    throw new ConfigError(`${error.message} (also invalid: ${otherVariables.join(', ')})`, variable);
  }
  const { GH_TOKEN, ...raw } = parsed.data;
  const layout = resolveHomeLayout(defined, raw.AWO_HOME);
  return {
    ...raw,
    GITHUB_TOKEN: raw.GITHUB_TOKEN ?? GH_TOKEN ?? (raw.GITHUB_TOKEN_FILE ? readTokenFile(raw.GITHUB_TOKEN_FILE) : undefined),
    AWO_HOME: layout.home,
    repositoryDir: layout.repositoryDir,
    workOrderDir: layout.workOrderDir,
    configDir: layout.configDir,
    temporalDir: layout.temporalDir,
    commandsDir: existingCommandsDir(raw.AGENT_WORK_ORDER_COMMANDS_DIR, defined.AGENT_WORK_ORDER_COMMANDS_DIR),
  };
}
