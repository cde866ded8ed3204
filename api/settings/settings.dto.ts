import { z } from 'zod';
import { settingSourceSchema } from '../../src/models/settings-view.js';

/** `POST .../settings/test-github`: an optional token to try before saving it; without one, the token in effect. */
export const testGitHubRequestSchema = z
  .strictObject({ github_token: z.string().regex(/^[\x21-\x7e]{8,255}$/, 'must be 8-255 printable characters without spaces').optional() }, { message: 'must be a JSON object' })
  .optional()
  .transform((body) => body ?? {});
export type TestGitHubRequest = z.output<typeof testGitHubRequestSchema>;

export const gitHubConnectionTestSchema = z
  .object({
    ok: z.boolean(),
    api_url: z.string(),
    api_reachable: z.boolean(),
    token_configured: z.boolean(),
    token_source: z.enum(['env', 'stored', 'default', 'request']),
    token: z.string().nullable().meta({ description: 'masked' }),
    token_valid: z.boolean().nullable().meta({ description: 'null when there is no token or GitHub could not say' }),
    login: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .meta({ id: 'GitHubConnectionTest' });
export type GitHubConnectionTest = z.infer<typeof gitHubConnectionTestSchema>;

export const claudeCliTestSchema = z
  .object({
    ok: z.boolean(),
    cli_path: z.string(),
    cli_path_source: settingSourceSchema,
    resolved_path: z.string().nullable().meta({ description: 'the executable found on PATH or at the given path' }),
    found: z.boolean(),
    version: z.string().nullable(),
    model: z.string(),
    model_source: settingSourceSchema,
    error_message: z.string().nullable(),
  })
  .meta({ id: 'ClaudeCliTest' });
export type ClaudeCliTest = z.infer<typeof claudeCliTestSchema>;

export const settingsAuditQuerySchema = z.strictObject({
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-500').max(500, 'must be 1-500').default(100),
  offset: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').default(0),
});
export type SettingsAuditQuery = z.output<typeof settingsAuditQuerySchema>;

export const settingsAuditSchema = z
  .object({
    entries: z.array(
      z.object({
        id: z.string(),
        at: z.string().meta({ description: 'ISO timestamp of the change' }),
        actor: z.enum(['token', 'session', 'anonymous']).meta({ description: 'the API token, a signed-in browser session, or an anonymous caller on loopback' }),
        remote_address: z.string().nullable(),
        field: z.string().meta({ description: 'the setting changed; its value is never recorded' }),
        action: z.enum(['set', 'cleared']),
      }),
    ),
    total: z.number().int(),
  })
  .meta({ id: 'SettingsAudit' });
export type SettingsAudit = z.infer<typeof settingsAuditSchema>;
