import { z } from 'zod';
import { type AppConfig, configSchema } from '../config.js';
import { budgetLimitRules } from '../models/work-order-budget.js';

const wholeNumber = (min: number, max: number) =>
  z.number({ message: 'must be a number' }).int('must be a whole number').min(min, `must be ${min}-${max}`).max(max, `must be ${min}-${max}`);

/**
 * The settings an administrator can change at run time, one rule each; the same rules as the environment variables
 * that override them, with upper bounds a typo should not get past.
 */
export const settingsSchema = z.object({
  github_token: z
    .string({ message: 'must be a string' })
    .regex(/^[\x21-\x7e]{8,255}$/, 'must be 8-255 printable characters without spaces (a GitHub token like ghp_... or github_pat_...)'),
  claude_cli_path: z
    .string({ message: 'must be a string' })
    .min(1, 'must not be empty')
    .max(4096, 'must be at most 4096 characters')
    .refine((value) => !/[\0\r\n]/.test(value), 'must not contain NUL or line breaks'),
  claude_cli_model: z
    .string({ message: 'must be a string' })
    .regex(/^[A-Za-z0-9][\w.:@[\]-]{0,127}$/, 'must be a model name or alias like sonnet, opus or claude-sonnet-4-5'),
  max_concurrent: wholeNumber(1, 1000),
  retention_days: wholeNumber(1, 3650),
  agent_timeout_seconds: wholeNumber(1, 7 * 24 * 3600),
  // Budget defaults for work orders that set no limit of their own (unset: no limit).
  ...budgetLimitRules,
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingName = keyof Settings;
export const settingNames = Object.keys(settingsSchema.shape) as SettingName[];

/** Settings that are sealed with the secret box before they are stored. */
export const secretSettings: ReadonlySet<SettingName> = new Set(['github_token']);

/**
 * The body of `PUT .../settings`: any subset; `null` removes the stored value so the environment or the default applies
 * again. Unknown fields are refused, so a misspelled setting is a 422 rather than silently ignored.
 */
export const settingsUpdateSchema = z.strictObject(
  Object.fromEntries(settingNames.map((name) => [name, settingsSchema.shape[name].nullable().optional()])) as {
    [K in SettingName]: z.ZodOptional<z.ZodNullable<(typeof settingsSchema.shape)[K]>>;
  },
  { message: 'must be a JSON object' },
);
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

/** The environment variables that win over each setting (first one set wins), and their value in the loaded config. */
export const settingVariables: { [K in SettingName]: { variables: string[]; fromConfig: (config: AppConfig) => Settings[K] | undefined } } = {
  github_token: { variables: ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN_FILE'], fromConfig: (config) => config.GITHUB_TOKEN },
  claude_cli_path: { variables: ['CLAUDE_CLI_PATH'], fromConfig: (config) => config.CLAUDE_CLI_PATH },
  claude_cli_model: { variables: ['CLAUDE_CLI_MODEL'], fromConfig: (config) => config.CLAUDE_CLI_MODEL },
  max_concurrent: { variables: ['AWO_MAX_CONCURRENT'], fromConfig: (config) => config.AWO_MAX_CONCURRENT },
  retention_days: { variables: ['AWO_RETENTION_DAYS'], fromConfig: (config) => config.AWO_RETENTION_DAYS },
  agent_timeout_seconds: { variables: ['AGENT_WORK_ORDER_TIMEOUT'], fromConfig: (config) => config.AGENT_WORK_ORDER_TIMEOUT },
  max_cost_usd: { variables: ['AWO_MAX_COST_USD'], fromConfig: (config) => config.AWO_MAX_COST_USD },
  max_turns: { variables: ['AWO_MAX_TURNS'], fromConfig: (config) => config.AWO_MAX_TURNS },
  max_duration_seconds: { variables: ['AWO_MAX_DURATION_SECONDS'], fromConfig: (config) => config.AWO_MAX_DURATION_SECONDS },
};

/** The defaults are the config schema's own, so the two cannot drift. */
const configDefaults = configSchema.parse({});
export const settingDefaults: { [K in SettingName]: Settings[K] | null } = {
  github_token: null,
  claude_cli_path: configDefaults.CLAUDE_CLI_PATH,
  claude_cli_model: configDefaults.CLAUDE_CLI_MODEL,
  max_concurrent: configDefaults.AWO_MAX_CONCURRENT,
  retention_days: configDefaults.AWO_RETENTION_DAYS,
  agent_timeout_seconds: configDefaults.AGENT_WORK_ORDER_TIMEOUT,
  max_cost_usd: null,
  max_turns: null,
  max_duration_seconds: null,
};

/**
 * `ghp_…abcd`: the token's type prefix (up to its first `_`, when that is a short prefix) and its last four characters,
 * enough to tell two tokens apart and nothing more. A short token shows no tail at all.
 */
export function maskToken(token: string): string {
  const underscore = token.indexOf('_');
  const prefix = underscore > 0 && underscore <= 10 ? token.slice(0, underscore + 1) : '';
  const tail = token.length - prefix.length >= 16 ? token.slice(-4) : '';
  return `${prefix}…${tail}`;
}
